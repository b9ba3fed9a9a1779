/// Pools over segments: one budget per place (or population group).
///
/// Terms:
/// - a *demand cell* is a (service, segment) pair with demand: an events service the segment
///   uses (`utilisation > 0`), a per-person service's own segments, and the recipient segments
///   of an intervention whose programme cost that service carries;
/// - a pool *holds* the cells of its services (all, when it lists none) for its segments (all,
///   when it lists none); every demand cell must be held by exactly one pool;
/// - a service whose demand cells lie in one pool stays one service (its own random stream, as
///   before); a service whose demand cells lie in several pools is *split*: one service per
///   pool, named `service@pool`, with that pool's segments' utilisation (or people) only.
///
/// Each split cell is an ordinary service to the engine: its own counter-based stream (keyed
/// by its name), its own expected cost. So places are independent in their count and severity
/// noise and correlated through what they share: the factors (rates, unit costs, inflation,
/// processes), the shocks and the interventions, which act on every cell of their services.
/// The cells of one service share its count dispersion (`Service.cellOf`), stated for the
/// service's year count over the whole population: negative binomials with one success
/// probability add up to exactly that count, so the cells' total has the unsplit service's
/// distribution.
extension Scenario {
  /// The scenario with every service whose demand spans pools split into one service per
  /// pool, indices remapped everywhere; or every problem with the mapping.
  package func splittingPoolsBySegments() -> Result<Scenario, SegmentPoolProblems> {
    let S = segments.count, V = services.count
    var problems: [String] = []
    // Demand cells per service.
    var demand = [[Bool]](repeating: [Bool](repeating: false, count: S), count: V)
    for v in 0..<V {
      switch services[v].cost {
      case .events: for s in 0..<S where utilisation[s][v] > 0 { demand[v][s] = true }
      case .perPerson(let segs, _, _): for s in segs { demand[v][s] = true }
      }
    }
    for i in interventions {
      guard let r = i.recipients, r.costPerRecipient > 0 || r.fixedCost > 0, let v = i.proactive.first else { continue }
      for s in r.segments { demand[v][s] = true }
    }
    // The pool holding each demand cell.
    var owner = [[Int?]](repeating: [Int?](repeating: nil, count: S), count: V)
    for v in 0..<V {
      for s in 0..<S where demand[v][s] {
        let holders = budget.pools.indices.filter { p in
          budget.pools[p].services.contains(v) && (budget.pools[p].segments?.contains(s) ?? true)
        }
        if holders.count == 1 {
          owner[v][s] = holders[0]
        } else if holders.isEmpty {
          problems.append(
            "service '\(services[v].name)' for segment '\(segments[s].name)' is in no pool; with pools over segments every service a segment uses belongs to one pool")
        } else {
          let names = holders.map { "'\(budget.pools[$0].name)'" }.joined(separator: " and ")
          problems.append(
            "service '\(services[v].name)' for segment '\(segments[s].name)' is in pools \(names); each service of a segment belongs to one pool")
        }
      }
    }
    if case .capitation = budget.base {
      problems.append("a capitation base with pools over segments is not supported (its rate is paid for one list of segments); use base: expected or fixed")
    }
    guard problems.isEmpty else { return .failure(SegmentPoolProblems(problems: problems)) }

    // The cells: each service once per pool holding some of its demand, in file order.
    var cells: [(service: Int, pool: Int)] = []
    var cellsOf = [[Int]](repeating: [], count: V)
    for v in 0..<V {
      let pools = Set((0..<S).compactMap { owner[v][$0] }).sorted()
      if pools.count <= 1 {
        cellsOf[v] = [cells.count]
        // A service without demand stays in the first pool listing it.
        cells.append((v, pools.first ?? budget.pools.indices.first { budget.pools[$0].services.contains(v) } ?? 0))
      } else {
        for p in pools {
          cellsOf[v].append(cells.count)
          cells.append((v, p))
        }
      }
    }
    let split = cells.map { cellsOf[$0.service].count > 1 }

    // Segments whose demand for service v a cell carries.
    func carries(_ c: Int, segment s: Int) -> Bool {
      let (v, p) = cells[c]
      return !split[c] || owner[v][s] == p
    }
    var result = self
    result.services = cells.indices.map { c in
      var service = services[cells[c].service]
      guard split[c] else { return service }
      let p = cells[c].pool
      service.cellOf = service.name
      service.name += "@" + budget.pools[p].name
      if case .perPerson(let segs, let mean, let severity) = service.cost {
        service.cost = .perPerson(segments: segs.filter { carries(c, segment: $0) }, annualMean: mean, severity: severity)
      }
      return service
    }
    result.utilisation = (0..<S).map { s in
      cells.indices.map { c in carries(c, segment: s) ? utilisation[s][cells[c].service] : 0 }
    }
    let all: ([Int]) -> [Int] = { $0.flatMap { cellsOf[$0] } }
    result.factors = factors.map { f in
      var f = f
      switch f.role {
      case .serviceRateMultiplier(let v): f.role = .serviceRateMultiplier(services: all(v))
      case .unitCostMultiplier(let v): f.role = .unitCostMultiplier(services: all(v))
      case .inflation(let v): f.role = .inflation(services: all(v))
      case .segmentRateMultiplier, .growth, .populationMultiplier, .interventionEffect, .interventionSpillover: break
      }
      return f
    }
    result.shocks = shocks.map { var k = $0; k.services = all(k.services); return k }
    result.interventions = interventions.map { i in
      var i = i
      // A programme with recipients is delivered and acts where they live: its proactive and
      // target cells are those of the recipients' pools (its delivered share, and with it its
      // effect under rationing, follows those pools; other cells carry none of the recipients'
      // demand), the first proactive cell carrying its programme cost.
      if let r = i.recipients {
        let near: ([Int]) -> [Int] = { services in
          services.flatMap { v in
            let cells = cellsOf[v].filter { c in r.segments.contains { carries(c, segment: $0) } }
            return cells.isEmpty ? cellsOf[v] : cells
          }
        }
        i.proactive = near(i.proactive)
        i.targets = near(i.targets)
      } else {
        i.proactive = all(i.proactive)
        i.targets = all(i.targets)
      }
      return i
    }
    result.budget.pools = budget.pools.indices.map { p in
      var pool = budget.pools[p]
      pool.services = cells.indices.filter { cells[$0].pool == p }
      return pool
    }
    // A programme cost is charged to one cell: its recipients must live in one pool.
    var late: [String] = []
    for i in result.interventions {
      guard let r = i.recipients, r.costPerRecipient > 0 || r.fixedCost > 0, let c = i.proactive.first,
        split[c]
      else { continue }
      let pools = Set(r.segments.compactMap { owner[cells[c].service][$0] })
      if pools.count > 1 {
        late.append(
          "intervention '\(i.name)' has a programme cost and recipients in pools \(pools.sorted().map { "'\(budget.pools[$0].name)'" }.joined(separator: " and ")); with pools over segments give one intervention per pool")
      }
    }
    guard late.isEmpty else { return .failure(SegmentPoolProblems(problems: late)) }
    return .success(result)
  }

  /// Every problem with a pools-over-segments mapping.
  package struct SegmentPoolProblems: Error, Sendable, Equatable {
    package var problems: [String]
  }
}
