namespace Nines.Tools;

/// <summary>Receives an audit record for every decision a guarded tool makes.</summary>
/// <remarks>Called on the tool-call path: implementations should be fast and thread-safe. An exception thrown here fails the call.</remarks>
public interface IToolAuditSink
{
    /// <summary>Stores one record.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">A token to cancel the write.</param>
    /// <returns>A task that completes when the record is stored.</returns>
    ValueTask WriteAsync(ToolAuditRecord record, CancellationToken cancellationToken);
}
