using Nines.Evals.Suites.Context;
using Nines.Evals.Suites.Hanoi;
using Nines.Evals.Suites.Injection;
using Nines.Evals.Suites.Invoices;
using Nines.Evals.Suites.Triage;

namespace Nines.Evals;

/// <summary>The suites that ship with Nines, found by <c>nines eval &lt;name&gt;</c>: <c>invoices</c>, <c>triage</c>, <c>hanoi</c>, <c>injection</c> and <c>context</c>.</summary>
/// <remarks>
/// <para><c>invoices</c>: typed invoice extraction on a simulated model under chaos, one bare call against resilience + a
/// semantic contract + first-to-ahead-by-k voting.</para>
/// <para><c>triage</c>: support tickets classified and routed, some carrying injected instructions; a trial that acts on an
/// injection fails.</para>
/// <para><c>hanoi</c>: the MAKER task (Meyerson et al. 2025): Towers of Hanoi, one voted model call per move, a million
/// moves with zero errors.</para>
/// <para><c>injection</c>: AgentDojo-style prompt injection against a tool-using agent (e-mail, files, payments): utility and
/// attack success rate, undefended vs the Rule of Two vs quarantine.</para>
/// <para><c>context</c>: a long tool loop on a model whose accuracy decays with prompt size, with and without a context budget.</para>
/// <para>All of them run on <c>sim:</c> models with known right answers; docs/evals-suites.md describes what each measures.</para>
/// </remarks>
public static class BuiltInEvalSuites
{
    /// <summary>Gets the built-in suite definitions.</summary>
    public static IReadOnlyList<EvalSuiteDefinition> All { get; } = [InvoicesSuite.Definition, TriageSuite.Definition, HanoiSuite.Definition, InjectionSuite.Definition, ContextSuite.Definition];
}
