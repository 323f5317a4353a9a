using Microsoft.Extensions.AI;

namespace Nines.Tools;

/// <summary>
/// What a tool loop tells a guarded tool about one call, passed in <see cref="AIFunctionArguments.Context"/>: the model's
/// call id, and how the loop runs the tool itself (its timeout and retries).
/// </summary>
/// <remarks>
/// The guard makes its decision (and waits for any approval) once, outside <see cref="ExecuteAsync"/>, then runs the
/// inner tool through it. So a loop's tool timeout bounds the tool, never a human's approval, and a retried attempt does
/// not take a second rate-limit permit or ask for approval twice.
/// </remarks>
internal sealed class ToolCallScope(string? callId, Func<Func<CancellationToken, ValueTask<object?>>, CancellationToken, ValueTask<object?>> execute)
{
    /// <summary>The key in <see cref="AIFunctionArguments.Context"/>.</summary>
    public static readonly object Key = typeof(ToolCallScope);

    /// <summary>Gets the model's call id.</summary>
    public string? CallId { get; } = callId;

    /// <summary>Gets or sets the host's answer to the call's approval request (<see cref="HostToolApprover"/>), when the loop has one.</summary>
    public ToolApprovalDecision? HostDecision { get; init; }

    /// <summary>Finds the scope a loop attached to <paramref name="arguments"/>, if any.</summary>
    public static ToolCallScope? From(AIFunctionArguments arguments) =>
        arguments.Context is { } context && context.TryGetValue(Key, out var value) ? value as ToolCallScope : null;

    /// <summary>Runs the tool the way the loop runs tools.</summary>
    public ValueTask<object?> ExecuteAsync(Func<CancellationToken, ValueTask<object?>> invoke, CancellationToken cancellationToken) =>
        execute(invoke, cancellationToken);
}
