// The C boundary: OpenBLAS's CBLAS interface and its thread and configuration controls.
// Only Sources/BudgetRisk/Internals/BLAS.swift imports this module.
#include <cblas.h>
