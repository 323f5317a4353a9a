using System.Text;
using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Contracts;

/// <summary>Builds the messages that send a rejected reply's errors back to the model.</summary>
internal static class ReaskPrompt
{
    public static void Append(List<ChatMessage> messages, string rawText, FailureCategory category, IReadOnlyList<string> errors, bool expectJson)
    {
        if (!string.IsNullOrWhiteSpace(rawText))
        {
            messages.Add(new ChatMessage(ChatRole.Assistant, rawText));
        }

        messages.Add(new ChatMessage(ChatRole.User, Build(category, errors, expectJson)));
    }

    public static string Build(FailureCategory category, IReadOnlyList<string> errors, bool expectJson)
    {
        var text = new StringBuilder();
        text.Append("Your previous reply was rejected (").Append(category).AppendLine("). Problems:");
        foreach (var error in errors)
        {
            text.Append("- ").AppendLine(error);
        }

        text.Append(category switch
        {
            FailureCategory.Truncated => "The reply was cut off. Answer again, complete and more concisely.",
            FailureCategory.EmptyOutput => "Answer again; the reply must not be empty.",
            FailureCategory.Refusal => "Answer the request as asked if you can.",
            _ => string.Empty,
        });

        if (expectJson)
        {
            text.AppendLine().Append("Reply with only the corrected JSON that satisfies the schema: no prose, no code fences.");
        }

        return text.ToString();
    }
}
