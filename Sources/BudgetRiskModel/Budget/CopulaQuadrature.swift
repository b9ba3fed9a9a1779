import Foundation
import BudgetRiskNumerics

/// Expectations of products of functions of correlated factors under the normal copula,
/// `E[Π_f h_f(X_f)]` with `X_f = Q_f(Φ(Z_f))` and `Z ~ N(0, ρ)`, by a tensor Gauss–Hermite
/// rule: deterministic, with no sampling error.
///
/// The factors are first split into groups connected by non-zero normal correlations; a
/// group of one is independent of the rest and its expectation is taken on its own (the
/// exact mean for a plain multiplier, ``FactorQuadrature`` otherwise), so the expectation of
/// the product is the product of the groups' expectations. A group of `d ≥ 2` factors is
/// integrated jointly: `Z = B·ξ` with `B = V·√Λ` from the eigendecomposition of its block of
/// `ρ` (valid for a semi-definite block), `ξ` on an `n`-point Gauss–Hermite rule per
/// dimension (`n = 64, 16, 8, 6` for `d = 2, 3, 4, ≥ 5`; 4,096 nodes or fewer beyond),
/// normals clamped to ±8 as in ``FactorQuadrature``.
///
/// ## Error
///
/// Gauss–Hermite with `n` nodes is exact for polynomials in `ξ` of degree `2n − 1`; for
/// smooth transforms (lognormal, normal multipliers and their powers) the error is far
/// below 1e−9 relative (the two-lognormal test checks 1e−9 against the closed form, at
/// Spearman correlations up to 0.9). Factors whose quantile function has a kink (triangular
/// at its mode, bounded ones at their ends) converge more slowly; no bound is proven for
/// them here: the bundled scenarios' simulated means are checked against the base instead
/// (within 3 standard errors at 100,000 iterations, `docs/engine.md`).
final class CopulaQuadrature {
  /// The normal (Pearson) correlation of the copula, `F × F`.
  package let correlation: [Double]
  package let factors: [Factor]
  private var single: [Int: FactorQuadrature] = [:]
  /// Joint expectations already computed, by their (factor, term) list: many services and
  /// segments share a group's terms in a period.
  private var joints: [[JointKey]: Double] = [:]
  struct JointKey: Hashable { var factor: Int; var term: Term }
  /// `E[(1 + X_f)^e]` per factor and exponent, computed once.
  private var compounded: [Int: [Double: Double]] = [:]
  /// Per correlated group (its factors, sorted): the rule's weights and the factors' values
  /// at its nodes, `d × nodes` — the same for every term and period.
  private var nodes: [[Int]: (weights: [Double], values: [Double])] = [:]
  /// A compounded rate's values at a group's nodes (see ``joint(_:)``), by group, the
  /// factor's place in it and the term.
  private var termRows: [TermKey: [Double]] = [:]
  struct TermKey: Hashable { var group: [Int]; var member: Int; var term: Term }

  /// False: every factor's function taken node by node in every term list, as before the
  /// term rows were kept (the tests' reference for them; the same sums, bit for bit).
  private let keepsTermRows: Bool

  package init(factors: [Factor], correlation: [Double], keepsTermRows: Bool = true) {
    self.factors = factors
    self.correlation = correlation
    self.keepsTermRows = keepsTermRows
  }

  /// What a factor contributes to a term.
  enum Term: Sendable, Hashable {
    /// `x`: a multiplier.
    case value
    /// `(1 + x)^e`: growth or inflation compounded over `e` years.
    case compound(Double)
    /// `1 − x·r`: an intervention effect at ramp `r`.
    case reduction(Double)

    package func callAsFunction(_ x: Double) -> Double {
      switch self {
      case .value: return x
      case .compound(let e): return pow(1 + x, e)
      case .reduction(let r): return 1 - x * r
      }
    }
  }

  /// `E[Π h_f(X_f)]` over the listed factors (each at most once).
  func expectation(_ terms: [(factor: Int, term: Term)]) -> Double {
    var result = 1.0
    for group in groups(terms.map(\.factor)) {
      let members = terms.filter { group.contains($0.factor) }
      if members.count == 1 {
        let (f, term) = members[0]
        switch term {
        case .value: result *= factors[f].distribution.mean
        case .reduction(let r): result *= 1 - factors[f].distribution.mean * r
        case .compound(let exponent):
          if let known = compounded[f]?[exponent] { result *= known; break }
          let rule = single[f] ?? FactorQuadrature(factors[f].distribution)
          single[f] = rule
          let value = rule.expectation { term($0) }
          compounded[f, default: [:]][exponent] = value
          result *= value
        }
      } else {
        result *= joint(members)
      }
    }
    return result
  }

  /// The factors split into groups connected by non-zero correlations, in a fixed order
  /// (each group found from its smallest factor, neighbours taken in ascending order): the
  /// expectation multiplies the groups' values in this order, and a `Set`'s own iteration
  /// order changes from process to process, which changed the last bits of the expected
  /// cost (and so of every budget set on it) between two runs of the same command.
  package func groups(_ list: [Int]) -> [Set<Int>] {
    var out = [Set<Int>]()
    var left = Set(list)
    let F = factors.count
    while let seed = left.min() {
      var group: Set<Int> = [seed], frontier = [seed]
      left.remove(seed)
      while let f = frontier.popLast() {
        for g in left.sorted() where abs(correlation[f * F + g]) > 1e-12 {
          group.insert(g); frontier.append(g); left.remove(g)
        }
      }
      out.append(group)
    }
    return out
  }

  /// The tensor Gauss–Hermite expectation over one correlated group.
  ///
  /// Each factor's function is taken at the nodes once per (group, factor, term), not once per
  /// term list: a compounded rate `(1 + x)^e` (a `pow` per node) recurs in many lists (every
  /// service and segment of a period shares its inflation and growth terms). The sum is the
  /// same as node by node, in the same order: `w · h₁ · h₂ ⋯` per node, then over the nodes.
  private func joint(_ members: [(factor: Int, term: Term)]) -> Double {
    let sorted = members.sorted { $0.factor < $1.factor }
    let key = sorted.map { JointKey(factor: $0.factor, term: $0.term) }
    if let known = joints[key] { return known }
    let group = sorted.map(\.factor)
    let grid = self.grid(group)
    let d = sorted.count, count = grid.weights.count
    var total = 0.0
    guard keepsTermRows else {
      for node in 0..<count {
        var product = grid.weights[node]
        for i in 0..<d { product *= sorted[i].term(grid.values[i * count + node]) }
        total += product
      }
      joints[key] = total
      return total
    }
    let rows = (0..<d).map { i in termValues(group, i, sorted[i].term, grid.values[(i * count)..<((i + 1) * count)]) }
    grid.weights.withUnsafeBufferPointer { weights in
      for node in 0..<count {
        var product = weights[node]
        for i in 0..<d { product *= rows[i][node] }
        total += product
      }
    }
    joints[key] = total
    return total
  }

  /// `h(x)` at a group's nodes for its `i`-th factor (`values`: that factor's row of the
  /// grid); compounded rates are kept, the rest are cheap and made when asked.
  private func termValues(_ group: [Int], _ i: Int, _ term: Term, _ values: ArraySlice<Double>) -> [Double] {
    guard case .compound = term else { return values.map { term($0) } }
    let key = TermKey(group: group, member: i, term: term)
    if let known = termRows[key] { return known }
    let row = values.map { term($0) }
    termRows[key] = row
    return row
  }

  /// The weights and factor values at the nodes of a group's tensor rule (cached).
  private func grid(_ group: [Int]) -> (weights: [Double], values: [Double]) {
    if let known = nodes[group] { return known }
    let d = group.count, F = factors.count
    var block = [Double](repeating: 0, count: d * d)
    for i in 0..<d { for j in 0..<d { block[i * d + j] = correlation[group[i] * F + group[j]] } }
    let e = SymmetricEigendecomposition(block, count: d)
    var b = [Double](repeating: 0, count: d * d)  // B = V·√Λ, row-major
    for i in 0..<d { for k in 0..<d { b[i * d + k] = e.vectors[i * d + k] * max(e.values[k], 0).squareRoot() } }
    let rule = GaussHermite.rule(points: d == 2 ? 64 : d == 3 ? 16 : d == 4 ? 8 : 6)
    let n = rule.nodes.count
    var count = 1
    for _ in 0..<d { count *= n }
    var weights = [Double](repeating: 1, count: count), values = [Double](repeating: 0, count: d * count)
    var xi = [Double](repeating: 0, count: d)  // one node's ξ, reused
    for node in 0..<count {
      var rest = node
      for k in 0..<d {
        xi[k] = rule.nodes[rest % n]
        weights[node] *= rule.weights[rest % n]
        rest /= n
      }
      for i in 0..<d {
        var z = 0.0
        for k in 0..<d { z += b[i * d + k] * xi[k] }
        values[i * count + node] = factors[group[i]].distribution.quantile(StandardNormal.cdf(min(max(z, -8), 8)))
      }
    }
    nodes[group] = (weights, values)
    return (weights, values)
  }
}

/// Gauss–Hermite rules for the standard normal: `E[g(ξ)] ≈ Σ wᵢ g(xᵢ)`, exact for
/// polynomials of degree `2n − 1`. Nodes and weights by Golub–Welsch: the eigenvalues of the
/// Jacobi matrix of the probabilists' Hermite polynomials (off-diagonal `√k`) and the squared
/// first components of its unit eigenvectors.
enum GaussHermite {
  /// The rules used, computed once.
  private static let rules: [Int: (nodes: [Double], weights: [Double])] = Dictionary(
    uniqueKeysWithValues: [6, 8, 16, 64].map { ($0, compute(points: $0)) })

  package static func rule(points n: Int) -> (nodes: [Double], weights: [Double]) {
    rules[n] ?? compute(points: n)
  }

  static func compute(points n: Int) -> (nodes: [Double], weights: [Double]) {
    var jacobi = [Double](repeating: 0, count: n * n)
    for k in 1..<n {
      jacobi[(k - 1) * n + k] = Double(k).squareRoot()
      jacobi[k * n + k - 1] = Double(k).squareRoot()
    }
    let e = SymmetricEigendecomposition(jacobi, count: n)
    let weights = (0..<n).map { j in e.vectors[j] * e.vectors[j] }  // row 0, column j
    let total = weights.reduce(0, +)
    return (e.values, weights.map { $0 / total })
  }
}
