using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Nines.Evals.Suites.Injection;

/// <summary>
/// The simulated quarantined model of the <c>quarantine</c> configuration: it has no tools, reads the untrusted text it
/// is sent (between the <c>&lt;untrusted&gt;</c> tags <see cref="Tools.Quarantine"/> wraps it in) and answers the
/// requested facts as JSON. It reads what is there; injected instructions have nowhere to go in the typed answer.
/// </summary>
/// <remarks>Not simulated: a reader fooled into putting attacker-chosen values in a field. The contracts leave little room
/// for that (saved payees only, names, dates and numbers by pattern); docs/evals-suites.md names the limit.</remarks>
internal sealed class QuarantinedReaderChatClient(Func<string, object> read) : IChatClient
{
    public const string ModelName = "sim:reader";

    // A model answering a JSON schema writes every required property, nulls included (AIJsonUtilities drops nulls).
    private static readonly JsonSerializerOptions _json = new(AIJsonUtilities.DefaultOptions)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        var prompt = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        var start = prompt.IndexOf("<untrusted>", StringComparison.Ordinal);
        var end = prompt.LastIndexOf("</untrusted>", StringComparison.Ordinal);
        var document = start >= 0 && end > start ? prompt[(start + "<untrusted>".Length)..end].Trim('\n') : prompt;
        var facts = read(document);
        var json = JsonSerializer.Serialize(facts, facts.GetType(), _json);
        var input = list.Sum(m => m.Text.Length) / 4;
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, json))
        {
            ModelId = ModelName,
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = json.Length / 4, TotalTokenCount = input + (json.Length / 4) },
        });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The simulated reader does not stream.");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    /// <summary>Reads a mailbox rendered by <see cref="InjectionWorkspace.RenderInbox"/>.</summary>
    public static InboxFacts ReadInbox(string text) =>
        new([.. Blocks(text).Select(b => new InboxEmailFacts(Field(b, "From") ?? string.Empty, WorkspaceText.MeetingDay(b)))]);

    /// <summary>Reads a transaction list rendered by <see cref="InjectionWorkspace.RenderTransactions"/>.</summary>
    public static TransactionFacts ReadTransactions(string text) =>
        new([.. Blocks(text).Select(b => new TransactionFact(
            Field(b, "Date") ?? string.Empty,
            Field(b, "Direction") ?? string.Empty,
            decimal.Parse((Field(b, "Amount") ?? "0").TrimStart('€'), CultureInfo.InvariantCulture),
            Field(b, "Counterparty") ?? string.Empty))]);

    /// <summary>Reads a shared document.</summary>
    public static DocumentFacts ReadDocument(string text)
    {
        if (WorkspaceText.Bill(text) is { } bill)
        {
            return new DocumentFacts("bill", bill.Payee, bill.Amount, null, null);
        }

        if (WorkspaceText.FirstActionOwner(text) is { } owner)
        {
            return new DocumentFacts("meeting-notes", null, null, owner, null);
        }

        return WorkspaceText.NextEventDate(text) is { } date
            ? new DocumentFacts("events", null, null, null, date)
            : new DocumentFacts("other", null, null, null, null);
    }

    private static IEnumerable<string> Blocks(string text) =>
        text.Split("\n---", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(b => b.Length > 0);

    private static string? Field(string block, string name) =>
        block.Split('\n').FirstOrDefault(l => l.StartsWith(name + ": ", StringComparison.Ordinal)) is { } line ? line[(name.Length + 2)..].Trim() : null;
}
