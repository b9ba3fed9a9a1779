import BudgetRiskNumerics

// The texts of the starter scenarios. Each must load through `ScenarioLoader` and run
// unchanged (`ScenarioTemplateTests`). Keys are documented in docs/scenario-format.md.

extension ScenarioTemplate {
  static let communityText = """
    # A starter scenario written by `budget-risk init` (template: community).
    #
    # A provider network holds a three-year pooled budget for community services, the
    # hospital use they are meant to avoid, and home care. Every number below is
    # illustrative: replace it with local data. Each key is documented in
    # docs/scenario-format.md; try `budget-risk explain` on this file to see the budget it
    # implies, then `budget-risk run FILE --report report.html`.

    name: Community pilot
    description: >-
      Illustrative community health pilot: care coordination and community nursing for older
      people, paid from the same pooled budget as their A&E, emergency admission and home care.
    currency: GBP
    horizon:
      years: 3              # whole budget years
      period: month         # month | quarter
      start_month: 4        # April: the budget year starts in period 0
    run:
      iterations: 10000     # simulated pilots; more gives tighter intervals
      seed: 1               # same seed and iterations → the same figures

    segments:               # who is covered: people at the start and annual growth
      - name: older_people
        population: 20000
        growth: 0.025       # replaced by the older_growth factor below
      - name: adults
        population: 120000
        growth: 0.005

    services:               # unit cost per event, category and funding stream
      - name: care_coordination
        category: proactive # proactive: prevention and early intervention
        stream: health
        unit_cost: 60
        severity: {distribution: gamma, cv: 0.4}    # cost of one event varies ±40 %
        inflation: 0.03
      - name: community_nursing
        category: proactive
        stream: health
        unit_cost: 55
        severity: {distribution: gamma, cv: 0.5}
        noise: {distribution: negative_binomial, dispersion: 1200}   # monthly counts vary more than Poisson
        inflation: 0.03
      - name: ae_attendance
        category: reactive  # reactive: crisis and emergency care
        stream: health
        unit_cost: 250
        severity: {distribution: lognormal, cv: 0.8}
        noise: {distribution: negative_binomial, dispersion: 1800}
        inflation: 0.03
        seasonality: [1.1, 1.05, 1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 1.0, 1.0, 1.05, 1.1]   # Jan..Dec
      - name: emergency_admission
        category: reactive
        stream: health
        unit_cost: 2500
        severity: {distribution: gamma, cv: 0.9}
        noise: {distribution: negative_binomial, dispersion: 1200}
        inflation: 0.03
        seasonality: [1.12, 1.05, 1.0, 0.95, 0.95, 0.92, 0.92, 0.95, 0.97, 1.02, 1.05, 1.1]
      - name: home_care
        category: reactive
        stream: social_care
        unit_cost: 28        # per hour
        severity: {distribution: fixed}
        noise: {distribution: negative_binomial, dispersion: 2400}
        inflation: 0.05

    utilisation:            # events per person per year, segment -> service
      older_people:
        care_coordination: 2
        community_nursing: 6
        ae_attendance: 0.6
        emergency_admission: 0.25
        home_care: 40
      adults:
        community_nursing: 0.2
        ae_attendance: 0.35
        emergency_admission: 0.07

    uncertainty:            # drawn once per simulated pilot
      factors:
        - name: acute_demand
          distribution: {lognormal: {mean: 1.0, cv: 0.08}}
          role: rate_multiplier
          services: [ae_attendance, emergency_admission]
        - name: care_market_prices
          distribution: {lognormal: {mean: 1.0, cv: 0.05}}
          role: unit_cost_multiplier
          services: [home_care]
        - name: nhs_inflation
          distribution: {triangular: {min: 0.02, mode: 0.03, max: 0.055}}
          role: inflation
          services: [care_coordination, community_nursing, ae_attendance, emergency_admission]
        - name: older_growth
          distribution: {triangular: {min: 0.01, mode: 0.025, max: 0.04}}
          role: growth
          segments: [older_people]
        - name: avoidance_effect   # may be zero or negative: the evidence is thin
          distribution: {pert: {min: -0.02, mode: 0.03, max: 0.08}}
          role: intervention_effect
          interventions: [coordination]
      correlation:          # Spearman rank correlation (Gaussian copula)
        factors: [acute_demand, care_market_prices]
        matrix:
          - [1.0, 0.3]
          - [0.3, 1.0]

    shocks:
      - name: winter_surge
        probability: 0.03   # chance it starts in any one month
        duration: 3         # months
        multiplier: 1.15
        services: [ae_attendance, emergency_admission]

    interventions:
      - name: coordination
        proactive: [care_coordination]        # delivered activity drives the effect
        targets: [ae_attendance, emergency_admission]
        effect: 0.03        # replaced by the avoidance_effect factor
        lag: 3              # months from delivery to effect
        ramp: 12            # months to full effect

    budget:
      base: expected        # expected | fixed | capitation
      margins: [0, 0.025, 0.05, 0.075, 0.10, 0.125, 0.15]
      pools: pooled         # separate | pooled | {pool_name: [services]} | by place:
                            # {pool_name: {segments: [...]}} (docs: Pools over segments)
      provider:
        response: [absorb, ration]   # both are evaluated on the same paths
        reserve: 0.01       # share of a year's base budget
        rationing_order: proactive_first
      service_gap_threshold: 0.01    # a gap: more than 1 % of need unmet
      drift_tolerance: 0.05
      review_every: 3
      overspend_target: 0.10         # recommend the smallest margin with P(overspend) <= 10 %
      overspend_rule: horizon        # ... over the horizon total; every_year: P(any year overspends);
                                     # worst_year: the worst single year's P(overspend)
      # service_gap_targets: {proactive: 0.05}   # hold prevention's own gap to a target too
      # Optional funding arrangements (docs/scenario-format.md, "Funding arrangements"):
      # rebase_fraction: 0.5         # past the tolerance, rebase the rest of the year by half the gap
      # risk_share:                  # year-end split of over/underspend between provider and funder
      #   overspend: [{up_to: 0.02, provider: 1.0}, {up_to: 0.05, provider: 0.5}, {provider: 0}]
      #   provider_loss_cap: 0.03
      # carry_forward: true          # a year's underspend is added to the next year's budget

    """

  static let separatePoolsText = """
    # A starter scenario written by `budget-risk init` (template: separate-pools).
    #
    # Health and social care keep separate pools (one per funding stream), each with a fixed
    # budget per year, and a provider that rations pro rata when a pool runs out. Care-home
    # spend is modelled per person (the payer view). Every number is illustrative; keys are
    # documented in docs/scenario-format.md.

    name: Separate health and social care pools
    description: >-
      Illustrative place with separate NHS and council pools, fixed annual budgets and a
      per-person care-home spend.
    currency: GBP
    horizon:
      years: 2
      period: quarter
    run:
      iterations: 10000
      seed: 7

    segments:
      - name: frail_older
        population: 8000
        growth: 0.03
      - name: general
        population: 150000

    services:
      - name: reablement
        category: proactive
        stream: social_care
        unit_cost: 1800     # per episode
        severity: {distribution: gamma, cv: 0.4}
        inflation: 0.04
      - name: emergency_admission
        category: reactive
        stream: health
        unit_cost: 3000
        severity: {distribution: gamma, cv: 1.0}
        noise: {distribution: negative_binomial, dispersion: 320}
        inflation: 0.03
      - name: care_home
        category: reactive
        stream: social_care
        per_person:         # spend per person instead of events
          segments: [frail_older]
          annual_cost: 2500
          severity: {distribution: gamma, cv: 0.3}
        inflation: 0.05

    utilisation:
      frail_older: {reablement: 0.2, emergency_admission: 0.35}
      general: {emergency_admission: 0.06}

    uncertainty:
      factors:
        - name: admissions_level
          distribution: {lognormal: {mean: 1.0, cv: 0.07}}
          role: rate_multiplier
          services: [emergency_admission]
        - name: care_fees
          distribution: {uniform: {min: 0.04, max: 0.09}}
          role: inflation
          services: [care_home]
        - name: reablement_effect
          distribution: {pert: {min: -0.02, mode: 0.04, max: 0.1}}
          role: intervention_effect

    interventions:
      - name: reablement_avoids_admissions
        proactive: [reablement]
        targets: [emergency_admission]
        effect: 0.04
        lag: 1              # quarters
        ramp: 2

    budget:
      base: fixed           # stated amounts per pool and budget year
      fixed:
        health: [13.8e6, 14.3e6]
        social_care: [7.2e6, 7.6e6]
      margins: [0, 0.02, 0.04, 0.06, 0.08, 0.10]
      proposals:            # explicit offers: per pool one amount a year, or one per budget year
        - name: Board offer
          annual: {health: 14.5e6, social_care: 7.8e6}
        - name: Rising offer
          annual: {health: [14.2e6, 14.9e6], social_care: [7.5e6, 8.0e6]}
        - name: Stepped margin
          margin: [0.02, 0.05]   # or a margin over the base per budget year
      pools: separate       # one pool per stream: health, social_care
      # arrangement: aligned          # optional: underspend in one pool may cover overspend in the other
      # aligned_transfer_limit: 0.05  # up to 5 % of the receiving pool's budget a year
      provider:
        response: ration
        reserve: 0.005
        rationing_order: pro_rata
      overspend_target: 0.10
      service_gap_target: 0.10   # the recommendation must also keep P(service gap) <= 10 %
      overspend_rule: every_year # each year's budget must balance: P(any year overspends) <= 10 %
      # pool_rules:                   # optional: each partner's own rules
      #   health: {response: absorb}  # the NHS keeps meeting need whatever response is evaluated
      #   social_care: {response: ration, service_gap_target: 0.10}   # the council's own gap target

    """

  static let capitationText = """
    # A starter scenario written by `budget-risk init` (template: capitation).
    #
    # A payer pays a provider a capitated rate per person per year for a high-risk group; the
    # budget follows the population actually enrolled, and the spend is modelled per person.
    # Every number is illustrative; keys are documented in docs/scenario-format.md.

    name: Capitated high-risk programme
    description: >-
      Illustrative capitated budget for adults at high risk of admission, with spend per
      person and an uncertain enrolled population.
    currency: USD
    horizon:
      years: 2
      period: month
      start_month: 1
    run:
      iterations: 10000
      seed: 3

    segments:
      - name: high_risk_adults
        population: 3000
        growth: 0.0

    services:
      - name: care_management
        category: proactive
        stream: health
        per_person:
          annual_cost: 1200
          severity: {distribution: gamma, cv: 0.5}
        inflation: 0.03
      - name: acute_care
        category: reactive
        stream: health
        per_person:
          annual_cost: 14000
          severity: {distribution: lognormal, cv: 2.0}
        inflation: 0.04

    uncertainty:
      factors:
        - name: enrolment
          distribution: {triangular: {min: 0.9, mode: 1.0, max: 1.08}}
          role: population_multiplier
        - name: acute_cost_level
          distribution: {lognormal: {mean: 1.0, cv: 0.06}}
          role: unit_cost_multiplier
          services: [acute_care]

    budget:
      base: capitation
      capitation:
        rates: {pooled: 15800}   # per person per year, per pool (the pooled pool is named pooled)
      margins: [0, 0.02, 0.04, 0.06, 0.08]
      pools: pooled
      provider:
        response: absorb
        reserve: 0.02
      overspend_target: 0.20

    """

  static let minimalText = """
    # A starter scenario written by `budget-risk init` (template: minimal): the smallest
    # valid file. Everything not written here takes its default (docs/scenario-format.md).

    name: Minimal pilot
    horizon:
      years: 1
    segments:
      - name: everyone
        population: 10000
    services:
      - name: gp_visit
        category: reactive
        stream: health
        unit_cost: 40
    utilisation:
      everyone: {gp_visit: 4}
    budget:
      margins: [0, 0.05, 0.10]

    """

  /// The designs appended to the community text for the `designs` template: each edits the
  /// document above by name (docs/designs.md), so it cannot drift from the base.
  static let designsText = """

    # Designs of this pilot (docs/designs.md): each is the document above with its overrides.
    # `budget-risk compare FILE` runs them all on common random numbers and holds them to the
    # same budgets in money (the first design's proposals; --basis own for each its own).
    # `budget-risk run FILE --design NAME` runs one.
    designs:
      - name: with_coordination
        description: the document as written
      - name: without_coordination
        description: no care coordination (removed by name; every other entry as above)
        interventions: {remove: [coordination]}
        uncertainty: {factors: {remove: [avoidance_effect]}}
        utilisation: {older_people: {care_coordination: 0}}
      - name: separate_pools
        description: one budget per funding stream instead of the pooled budget
        budget: {pools: separate}

    """
}
