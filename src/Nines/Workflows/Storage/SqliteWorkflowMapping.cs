using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Nines.Workflows.Storage;

/// <summary>Rows to records and back for <see cref="SqliteWorkflowStore"/>.</summary>
/// <remarks>Times are unix milliseconds: sub-millisecond ticks are truncated, and times read back are UTC.</remarks>
internal static class SqliteWorkflowMapping
{
    public const string RunColumns =
        "run_id, workflow, version, status, input_json, output_json, error, parent_run_id, created_at, updated_at, "
        + "completed_at, wake_at, waiting_for, lease_owner, lease_epoch, lease_expires_at, cancel_requested";

    public const string StepColumns =
        "run_id, position, item, name, kind, status, output_json, error, error_type, attempts, idempotency_key, wake_at, "
        + "started_at, completed_at";

    public const string SignalColumns = "sequence, run_id, name, payload_json, sent_at, consumed_at, consumed_position";

    public static long ToMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static object ToMs(DateTimeOffset? time) => time is { } t ? t.ToUnixTimeMilliseconds() : DBNull.Value;

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static void Add(SqliteCommand command, string name, object? value)
        => command.Parameters.AddWithValue(name, value ?? DBNull.Value);

    public static bool IsFinished(WorkflowRunStatus status)
        => status is WorkflowRunStatus.Completed or WorkflowRunStatus.Failed or WorkflowRunStatus.Cancelled;

    public static WorkflowRun ReadRun(SqliteDataReader reader) => new()
    {
        RunId = reader.GetString(0),
        Workflow = reader.GetString(1),
        Version = reader.GetInt32(2),
        Status = Enum.Parse<WorkflowRunStatus>(reader.GetString(3)),
        InputJson = NullableString(reader, 4),
        OutputJson = NullableString(reader, 5),
        Error = NullableString(reader, 6),
        ParentRunId = NullableString(reader, 7),
        CreatedAt = FromMs(reader.GetInt64(8)),
        UpdatedAt = FromMs(reader.GetInt64(9)),
        CompletedAt = NullableTime(reader, 10),
        WakeAt = NullableTime(reader, 11),
        WaitingFor = NullableString(reader, 12),
        LeaseOwner = NullableString(reader, 13),
        LeaseEpoch = reader.GetInt64(14),
        LeaseExpiresAt = NullableTime(reader, 15),
        CancelRequested = reader.GetInt64(16) != 0,
    };

    public static WorkflowStep ReadStep(SqliteDataReader reader) => new()
    {
        RunId = reader.GetString(0),
        Position = reader.GetInt32(1),
        Item = reader.GetInt32(2),
        Name = reader.GetString(3),
        Kind = Enum.Parse<StepKind>(reader.GetString(4)),
        Status = Enum.Parse<StepStatus>(reader.GetString(5)),
        OutputJson = NullableString(reader, 6),
        Error = NullableString(reader, 7),
        ErrorType = NullableString(reader, 8),
        Attempts = reader.GetInt32(9),
        IdempotencyKey = NullableString(reader, 10),
        WakeAt = NullableTime(reader, 11),
        StartedAt = FromMs(reader.GetInt64(12)),
        CompletedAt = NullableTime(reader, 13),
    };

    public static WorkflowSignal ReadSignal(SqliteDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        RunId = reader.GetString(1),
        Name = reader.GetString(2),
        PayloadJson = reader.GetString(3),
        SentAt = FromMs(reader.GetInt64(4)),
        ConsumedAt = NullableTime(reader, 5),
        ConsumedPosition = reader.IsDBNull(6) ? null : reader.GetInt32(6),
    };

    /// <summary>Registrations as stored in <c>workers.registrations</c> and passed to <c>json_each</c>: <c>[{"workflow":"a","version":1}]</c>.</summary>
    public static string ToJson(IEnumerable<WorkflowVersionKey> keys)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var key in keys)
            {
                writer.WriteStartObject();
                writer.WriteString("workflow", key.Workflow);
                writer.WriteNumber("version", key.Version);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static List<WorkflowVersionKey> FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var keys = new List<WorkflowVersionKey>();
        foreach (var element in document.RootElement.EnumerateArray())
        {
            keys.Add(new WorkflowVersionKey(element.GetProperty("workflow").GetString()!, element.GetProperty("version").GetInt32()));
        }

        return keys;
    }

    private static string? NullableString(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTime(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : FromMs(reader.GetInt64(ordinal));
}
