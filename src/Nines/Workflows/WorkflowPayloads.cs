using System.Text;
using System.Text.Json;

namespace Nines.Workflows;

/// <summary>Serializes payloads for the journal: size limit, redaction, and errors that name the step.</summary>
internal sealed class WorkflowPayloads(WorkflowEngineOptions options)
{
    public string Serialize<T>(T value, PayloadRedactionContext where)
    {
        string json;
        try
        {
            json = JsonSerializer.Serialize(value, options.JsonOptions);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            throw new WorkflowPayloadException(
                $"{Describe(where)} produced a {typeof(T).Name} that cannot be serialized to JSON: {ex.Message} Return a plain data type (records, lists, primitives).",
                ex);
        }

        if (options.RedactPayload is { } redact)
        {
            json = redact(where, json);
        }

        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > options.MaxPayloadBytes)
        {
            throw new WorkflowPayloadException(
                $"{Describe(where)} produced {FormatBytes(bytes)} of JSON; the journal accepts at most {FormatBytes(options.MaxPayloadBytes)} "
                + "(WorkflowEngineOptions.MaxPayloadBytes). Store large data elsewhere and journal a reference to it, or raise the limit.");
        }

        return json;
    }

    public T Deserialize<T>(string? json, PayloadRedactionContext where)
    {
        if (json is null)
        {
            return default!;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, options.JsonOptions)!;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            var sample = json.Length > 120 ? json[..120] + "…" : json;
            throw new WorkflowPayloadException(
                $"{Describe(where)} has a journaled payload that does not deserialize into {typeof(T).Name}: {ex.Message} Journaled JSON: {sample} "
                + "The type changed while the run was in flight: register the previous version of the workflow for this run, or cancel it. The journal was left as it is.",
                ex);
        }
    }

    private static string Describe(PayloadRedactionContext where) =>
        where.Kind is null
            ? $"The {where.StepName} of run {where.RunId} ({where.Workflow})"
            : $"Step '{where.StepName}' ({where.Kind}) of run {where.RunId} ({where.Workflow})";

    private static string FormatBytes(int bytes) => bytes >= 1024 * 1024
        ? $"{bytes / (1024.0 * 1024):0.##} MiB"
        : bytes >= 1024 ? $"{bytes / 1024.0:0.##} KiB" : $"{bytes} bytes";
}
