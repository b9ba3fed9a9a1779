import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine

/// A design comparison under `--sampling rqmc`: every design takes the same scrambled Sobol'
/// point set per replicate (a factor shared by name takes the same dimension and scrambling
/// in every design, ``FactorPoints/dimension``), so iteration *i* is the same point of the
/// same replicate in every design and the designs stay on common random numbers.
///
/// Within a replicate the iterations are not independent, so the paired difference's
/// standard error over iterations does not describe its error (it usually overstates it).
/// The R replicates are independent and identically distributed: each replicate's mean of
/// the per-iteration difference (design − baseline) is one unbiased estimate, and their
/// Student-t interval (``ReplicateInterval``) is the paired difference's interval.
struct PairedReplicates: Sendable, Equatable {
  let replicates: Int
  let designs: Int
  let shared: Int
  /// `value[((r × D + d) × K + k) × F + f]`: replicate r's sum of design d's figure f at shared budget k.
  private var value: [MeanAccumulator]
  /// The same index: the per-iteration difference from the baseline (ties are 0, as pooled).
  private var difference: [MeanAccumulator]

  static var figures: Int { ComparisonAccumulator.figures.count }

  init(replicates: Int, layout: ComparisonLayout) {
    self.replicates = replicates
    designs = layout.designCount
    shared = layout.sharedCount
    value = Array(repeating: MeanAccumulator(), count: replicates * designs * shared * Self.figures)
    difference = value
  }

  @inline(__always)
  private func index(_ r: Int, _ d: Int, _ k: Int, _ f: Int) -> Int { ((r * designs + d) * shared + k) * Self.figures + f }

  @inline(__always)
  mutating func add(replicate r: Int, design d: Int, shared k: Int, figure f: Int, value x: Double, difference y: Double) {
    let i = index(r, d, k, f)
    value[i].add(x)
    difference[i].add(y)
  }

  mutating func merge(_ other: PairedReplicates) {
    precondition(value.count == other.value.count, "merging replicates of different comparisons")
    for i in value.indices { value[i].merge(other.value[i]); difference[i].merge(other.difference[i]) }
  }

  /// The replicate interval of design d's figure f at shared budget k (`paired`: of its
  /// difference from the baseline), scaled by `scale` (money figures); nil where undefined.
  func interval(design d: Int, shared k: Int, figure f: Int, paired: Bool, scale: Double) -> ReplicateInterval? {
    let sums = paired ? difference : value
    return ReplicateInterval(values: (0..<replicates).map { sums[index($0, d, k, f)].mean * scale })
  }
}

/// How a comparison was sampled, in its JSON (absent under plain Monte Carlo).
public struct ComparisonSampling: Codable, Sendable, Equatable {
  public var method: String
  public var replicates: Int
  public var pointsPerReplicate: Int
  public var interval: String

  init(replicates: Int, iterations: UInt64) {
    method = Sampling.Method.rqmc.rawValue
    self.replicates = replicates
    pointsPerReplicate = Int(iterations) / replicates
    interval =
      "every design on the same scrambled Sobol' points per replicate (common random numbers); each figure's and each paired difference's `replicates` is the 95 % Student-t interval over the \(replicates) replicate means (\(replicates - 1) degrees of freedom); the standard errors and `lower`/`upper` beside them are plain Monte Carlo's and usually overstate the error"
  }
}

extension ComparisonLayout {
  /// Each design's factors' Sobol' dimensions: the index of the factor's name among every
  /// design's factors (``factorNames``), so a shared factor takes the same coordinates.
  func sobolDimensions(_ plans: [SimulationPlan]) -> [[Int]] {
    plans.map { plan in plan.factors.map { factor in factorNames.firstIndex(of: factor.name)! } }
  }
}
