namespace Nines.CommandLine.Demo;

/// <summary>The knobs of <c>nines demo</c>.</summary>
/// <param name="Calls">Extraction tasks per pipeline.</param>
/// <param name="Seed">Seed for the invoices, the simulated model and the chaos.</param>
/// <param name="Concurrency">Tasks in flight at once.</param>
/// <param name="Model">The simulated model spec, such as <c>sim:good</c>.</param>
/// <param name="ChaosProfile">A built-in chaos profile name or a JSON file.</param>
/// <param name="K">The margin for first-to-ahead-by-k voting in the hardened pipeline.</param>
/// <param name="Speedup">How much faster than real time the simulated clock runs.</param>
internal sealed record DemoSettings(int Calls, int Seed, int Concurrency, string Model, string ChaosProfile, int K, double Speedup);
