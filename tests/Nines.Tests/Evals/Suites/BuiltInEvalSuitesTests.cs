using Nines.Evals;

namespace Nines.Tests.Evals.Suites;

public class BuiltInEvalSuitesTests
{
    [Fact]
    public void All_NamesTheBuiltInSuites_EachBuildsAValidSuiteFromItsDefaults()
    {
        Assert.Equal(["invoices", "triage", "hanoi", "injection", "context"], BuiltInEvalSuites.All.Select(d => d.Name));
        foreach (var definition in BuiltInEvalSuites.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(definition.Description));
            Assert.All(definition.Parameters, p => Assert.Matches("^[a-z]+(-[a-z]+)*$", p.Name));
            var suite = definition.Create(new EvalSuiteArguments(definition.Parameters));
            suite.Validate();
            Assert.Equal(definition.Name, suite.Name);
            Assert.True(suite.Configurations.Count >= 2);
            Assert.NotEmpty(suite.Prices);
        }
    }

    [Fact]
    public void All_SimulatedLatencySuites_RunOnAScaledClock()
    {
        // The runner hands EvalSuite.Time to every trial; the sim-latency suites must set one or they would wait in real time.
        foreach (var name in new[] { "invoices", "triage", "context" })
        {
            var definition = BuiltInEvalSuites.All.Single(d => d.Name == name);
            var suite = definition.Create(new EvalSuiteArguments(definition.Parameters));
            var clock = Assert.IsType<Nines.Simulation.ScaledTimeProvider>(suite.Time);
            Assert.Equal(50, clock.Speedup);
        }
    }
}
