using Microsoft.Extensions.AI;

namespace Nines.Tests.Mcp;

/// <summary>Sits between the guard and the MCP tool and counts the calls that got past the guard towards the server.</summary>
internal sealed class CountingAIFunction(AIFunction inner) : DelegatingAIFunction(inner)
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public static (IReadOnlyList<AIFunction> Functions, IReadOnlyDictionary<string, CountingAIFunction> ByName) Wrap(IEnumerable<AIFunction> functions)
    {
        var wrapped = functions.Select(f => new CountingAIFunction(f)).ToList();
        return (wrapped, wrapped.ToDictionary(f => f.Name, StringComparer.Ordinal));
    }

    protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return base.InvokeCoreAsync(arguments, cancellationToken);
    }
}
