namespace Nines.Tools;

/// <summary>A tool call waiting for approval: the arguments have already passed the schema and the rules.</summary>
/// <param name="Session">The session making the call.</param>
/// <param name="ToolName">The tool's name.</param>
/// <param name="CallId">The model's tool-call id, when known.</param>
/// <param name="Arguments">The validated arguments.</param>
/// <param name="ArgumentsJson">The arguments as JSON.</param>
/// <param name="Reason">Why approval is needed: the tool's policy or the Rule of Two, with the taint that triggered it.</param>
public sealed record ToolApprovalRequest(
    ToolSession Session,
    string ToolName,
    string? CallId,
    IReadOnlyDictionary<string, object?> Arguments,
    string ArgumentsJson,
    string Reason);
