namespace Nines.Tools;

/// <summary>What a guarded tool needs from the durable run its session belongs to.</summary>
internal interface IToolSessionJournal
{
    /// <summary>Makes a call id for a call that came without one, the same on every replay.</summary>
    string NextCallId(string toolName);

    /// <summary>Runs <paramref name="body"/> once as a journaled step; a replay returns the journaled value.</summary>
    Task<T> StepAsync<T>(string name, Func<CancellationToken, Task<T>> body);

    /// <summary>Waits durably for a human's decision on the call.</summary>
    Task<ToolApprovalDecision> WaitForApprovalAsync(string callId);

    /// <summary>Tells a human how to answer the approval request for the call.</summary>
    string DescribeApproval(string callId);
}
