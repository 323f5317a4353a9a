using System.Globalization;
using System.Text.Json;
using Nines.Evals.Suites.Invoices;

namespace Nines.Tests.Evals.Suites;

public class InvoiceExtractionTests
{
    [Fact]
    public void CreateContract_SimulatedMistakes_RejectsExactlyThoseThatBreakTheArithmetic()
    {
        var scenario = new InvoiceScenario(50, 3);
        var contract = InvoiceExtraction.CreateContract();
        foreach (var c in scenario.Cases)
        {
            Assert.True(contract.Check(JsonSerializer.Serialize(c.Truth, InvoiceScenario.JsonOptions)).IsValid);
        }

        // Mistakes that break the arithmetic must be caught by the rules; the rest are valid and left to voting.
        var random = new Random(11);
        var caught = 0;
        var valid = 0;
        for (var i = 0; i < 500; i++)
        {
            var truth = scenario.Cases[i % scenario.Cases.Count].Truth;
            var wrong = InvoiceScenario.Mistake(truth, random);
            Assert.False(wrong.SameAs(truth));
            var check = contract.Check(JsonSerializer.Serialize(wrong, InvoiceScenario.JsonOptions));
            var arithmeticBroken = wrong.Total != wrong.Lines.Sum(l => l.Amount) || wrong.Lines.Any(l => l.Amount != l.Quantity * l.UnitPrice);
            Assert.Equal(arithmeticBroken, !check.IsValid);
            if (check.IsValid)
            {
                valid++;
            }
            else
            {
                caught++;
            }
        }

        Assert.True(caught > 100, string.Create(CultureInfo.InvariantCulture, $"caught {caught}"));
        Assert.True(valid > 100, string.Create(CultureInfo.InvariantCulture, $"valid {valid}"));
    }
}
