namespace Nines.Tools;

/// <summary>An <see cref="IToolAuditSink"/> that keeps records in memory, for tests and short-lived hosts.</summary>
/// <remarks>Thread-safe. Unbounded: do not use it for long-running services.</remarks>
public sealed class InMemoryToolAuditSink : IToolAuditSink
{
    private readonly Lock _gate = new();
    private readonly List<ToolAuditRecord> _records = [];

    /// <summary>Gets a snapshot of the records written so far, in order.</summary>
    public IReadOnlyList<ToolAuditRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(ToolAuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            _records.Add(record);
        }

        return ValueTask.CompletedTask;
    }
}
