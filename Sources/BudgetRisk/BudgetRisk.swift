// The `BudgetRisk` library product as one module: `import BudgetRisk` gives the public API of
// every layer (see docs/architecture.md). The code lives in the layer modules; this target
// only re-exports them, lowest first.
@_exported import BudgetRiskNumerics
@_exported import BudgetRiskModel
@_exported import BudgetRiskEngine
@_exported import BudgetRiskStudies
@_exported import BudgetRiskReports
