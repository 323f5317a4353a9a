using System.Globalization;
using System.Text;

namespace Nines.Evals.Suites.Context;

/// <summary>
/// One case of the <c>context</c> suite: an incident whose log is read chunk by chunk with a tool. The task names the customer
/// ticket; a recent chunk records the root cause, which supersedes a preliminary one early in the log.
/// </summary>
/// <param name="Id">The case id (<c>INC-4821</c>).</param>
/// <param name="Service">The service the log is from.</param>
/// <param name="Ticket">The customer ticket, named only in the task.</param>
/// <param name="RootCause">The root-cause code recorded in the second-to-last chunk: the right answer.</param>
/// <param name="PreliminaryCause">A superseded root-cause code recorded in chunk 2: what a model that lost the recent chunk may answer.</param>
/// <param name="Chunks">The log chunks, 1-based in their headers.</param>
internal sealed record IncidentLog(string Id, string Service, string Ticket, string RootCause, string PreliminaryCause, IReadOnlyList<string> Chunks)
{
    /// <summary>The system message of every trial.</summary>
    public const string Instructions =
        "You are an on-call assistant. Use the read_log tool to read incident logs. Answer only with the JSON object the task asks for.";

    /// <summary>The line that records a root cause; the agent reads the code after it.</summary>
    public const string RootCauseMarker = "root cause recorded as ";

    /// <summary>The line of the task that names the ticket; the agent reads the ticket after it.</summary>
    public const string TicketMarker = "The customer ticket for this incident is ";

    private static readonly string[] _services = ["payments", "checkout", "search", "identity", "inventory", "shipping", "billing", "notifications"];
    private static readonly string[] _levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN"];
    private static readonly string[] _events =
    [
        "request served", "cache miss, fetched from origin", "connection pool at {0}% capacity", "retrying upstream call (attempt {0})",
        "health check passed", "queue depth {0}", "GC pause {0} ms", "slow query took {0} ms", "token refreshed", "batch of {0} events flushed",
    ];

    /// <summary>Gets the right answer.</summary>
    public IncidentAnswer Truth => new() { Ticket = Ticket, RootCause = RootCause };

    /// <summary>Gets the task: the first user message of every trial.</summary>
    public string Task =>
        $"Incident {Id} hit the {Service} service. Read its whole log with read_log, starting at chunk 1 (each chunk says which is next). " +
        $"{TicketMarker}{Ticket}. When you have read the last chunk, answer with JSON: {{\"ticket\": the customer ticket, \"rootCause\": the latest root-cause code in the log}}.";

    /// <summary>Generates <paramref name="count"/> incidents from <paramref name="seed"/>, each with <paramref name="chunks"/> chunks of about <paramref name="chunkTokens"/> tokens.</summary>
    public static IReadOnlyList<IncidentLog> Generate(int count, int chunks, int chunkTokens, int seed)
    {
        var random = new Random(seed);
        var incidents = new List<IncidentLog>(count);
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            string id;
            do
            {
                id = "INC-" + random.Next(1000, 10000).ToString(CultureInfo.InvariantCulture);
            }
            while (!used.Add(id));

            var service = _services[random.Next(_services.Length)];
            var ticket = "T-" + random.Next(1000, 10000).ToString(CultureInfo.InvariantCulture);
            var cause = "E-" + random.Next(100, 1000).ToString(CultureInfo.InvariantCulture);
            string preliminary;
            do
            {
                preliminary = "E-" + random.Next(100, 1000).ToString(CultureInfo.InvariantCulture);
            }
            while (preliminary == cause);

            var text = new List<string>(chunks);
            for (var c = 1; c <= chunks; c++)
            {
                text.Add(Chunk(random, id, service, c, chunks, chunkTokens, c == chunks - 1 ? cause : null, c == Math.Min(2, chunks - 1) ? preliminary : null));
            }

            incidents.Add(new IncidentLog(id, service, ticket, cause, preliminary, text));
        }

        return incidents;
    }

    private static string Chunk(Random random, string id, string service, int number, int total, int tokens, string? cause, string? preliminary)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"Log chunk {number} of {total} for {id} ({service}).");
        builder.Append(number < total
            ? string.Create(CultureInfo.InvariantCulture, $" Next: chunk {number + 1}.\n")
            : " This is the last chunk.\n");
        var target = tokens * 4;
        var minute = (number - 1) * 7;
        var line = 0;
        var facts = new List<string>();
        if (preliminary is not null)
        {
            facts.Add($"ERROR {service}: preliminary {RootCauseMarker}{preliminary} (under investigation)");
        }

        if (cause is not null)
        {
            facts.Add($"ERROR {service}: final {RootCauseMarker}{cause} (confirmed by the incident commander)");
        }

        while (builder.Length < target)
        {
            var stamp = string.Create(CultureInfo.InvariantCulture, $"2026-03-14T09:{minute % 60:00}:{(line * 7) % 60:00}Z");
            if (facts.Count > 0 && line == 3 + (facts.Count * 5))
            {
                builder.Append(stamp).Append(' ').Append(facts[^1]).Append('\n');
                facts.RemoveAt(facts.Count - 1);
            }
            else
            {
                var level = _levels[random.Next(_levels.Length)];
                var message = string.Format(CultureInfo.InvariantCulture, _events[random.Next(_events.Length)], random.Next(2, 99));
                builder.Append(CultureInfo.InvariantCulture, $"{stamp} {level} {service}-{random.Next(1, 9)}: {message} (trace {random.Next():x8})\n");
            }

            line++;
            if (line % 8 == 0)
            {
                minute++;
            }
        }

        foreach (var fact in facts)
        {
            builder.Append(fact).Append('\n');
        }

        return builder.ToString();
    }
}
