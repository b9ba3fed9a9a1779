extension ScenarioTemplate {
  static let targetedText = """
    # A starter scenario written by `budget-risk init` (template: targeted): a prevention
    # programme for a cohort of high-risk people, paid per recipient, whose effect reduces
    # their crisis use only. Every number is illustrative. Keys: docs/scenario-format.md
    # ("Recipients and dose"). Try `budget-risk outcomes FILE` for what the programme averts,
    # and `budget-risk outcomes FILE --sweep intensive_support --doses 100,200,400` for how
    # much of it to fund.

    name: Targeted prevention pilot
    currency: GBP
    horizon:
      years: 3
    run:
      iterations: 10000
      seed: 1

    segments:
      - name: high_risk_adults           # the people the programme is for
        population: 2000
        growth: 0.02
      - name: other_adults               # everyone else: the programme does not reach them
        population: 200000

    services:
      - name: intensive_support          # the programme; its cost is per recipient (below)
        category: proactive
        stream: health
        unit_cost: 1                     # price index of the programme: inflation applies
        inflation: 0.03
      - name: emergency_admission
        category: reactive
        stream: health
        unit_cost: 2500
        severity: {distribution: gamma, cv: 0.6}
        inflation: 0.03
      - name: ae_attendance
        category: reactive
        stream: health
        unit_cost: 250
        inflation: 0.03

    utilisation:                         # events per person per year
      high_risk_adults: {emergency_admission: 1.2, ae_attendance: 3}
      other_adults: {emergency_admission: 0.08, ae_attendance: 0.3}

    uncertainty:
      factors:
        - name: support_effect
          # Limited evidence: a 30 % chance it does nothing, else a reduction of 0 to 25 %
          # per recipient (mode 10 %).
          distribution: {discrete: {values: [0, 0.05, 0.10, 0.15, 0.25], weights: [0.3, 0.15, 0.3, 0.15, 0.1]}}
          role: intervention_effect
          interventions: [intensive_support]
        - name: demand
          distribution: {lognormal: {mean: 1.0, cv: 0.08}}
          role: rate_multiplier
          services: [emergency_admission, ae_attendance]

    interventions:
      - name: intensive_support
        proactive: [intensive_support]
        targets: [emergency_admission, ae_attendance]
        lag: 3                           # months from enrolment to effect
        ramp: 6                          # months to enrol the whole cohort (cost and effect)
        start: 0
        recipients:
          segments: [high_risk_adults]
          number: 200                    # a cohort of 200 people
          attrition: 0.1                 # a tenth leave each year
        spillover: 0                     # no effect on the segment's other people
        cost_per_recipient: 300          # a year
        fixed_cost: 20000                # a year, from start (coordination)

    budget:
      base: expected
      margins: [0, 0.025, 0.05, 0.10]
      pools: pooled
      provider:
        response: [absorb, ration]
        reserve: 0.01

    """
}
