namespace Nines.Tools;

/// <summary>One decision about one tool call: who, which tool, with what arguments, the verdict and why.</summary>
/// <param name="Timestamp">When the decision was made, from the guard's <see cref="TimeProvider"/>.</param>
/// <param name="SessionId">The <see cref="ToolSession.Id"/>.</param>
/// <param name="Principal">Who the session acts for, or <see langword="null"/> when not given.</param>
/// <param name="ToolName">The tool's name.</param>
/// <param name="CallId">The model's tool-call id when the call came through <c>FunctionInvokingChatClient</c>; otherwise <see langword="null"/>.</param>
/// <param name="ArgumentsJson">The arguments as JSON, as the model sent them.</param>
/// <param name="Decision">The decision.</param>
/// <param name="Reason">Why; for refusals the same text the model receives.</param>
/// <param name="SessionCapabilities">The capabilities the session held when the decision was made.</param>
/// <remarks>Arguments are recorded verbatim: if tools take secrets as arguments, treat the audit sink as sensitive.</remarks>
public sealed record ToolAuditRecord(
    DateTimeOffset Timestamp,
    string SessionId,
    string? Principal,
    string ToolName,
    string? CallId,
    string ArgumentsJson,
    ToolDecisionKind Decision,
    string Reason,
    ToolCapabilities SessionCapabilities);
