namespace Nines.Tools;

/// <summary>Every attempt of a tool call failed or timed out; carries what the model is told.</summary>
internal sealed class ToolExecutionFailedException(string kind, string message, int attempts, Exception? error)
    : Exception(message, error)
{
    /// <summary>Gets the error kind shown to the model: <c>timeout</c> or <c>exception</c>.</summary>
    public string Kind { get; } = kind;

    /// <summary>Gets how many attempts were made.</summary>
    public int Attempts { get; } = attempts;
}
