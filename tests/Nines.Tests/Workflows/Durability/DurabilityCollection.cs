namespace Nines.Tests.Workflows.Durability;

/// <summary>The crash tests start and kill real processes and measure time: they run alone, not beside other test classes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DurabilityCollection
{
    public const string Name = "durability";
}
