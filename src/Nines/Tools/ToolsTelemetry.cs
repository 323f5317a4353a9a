using System.Diagnostics;

namespace Nines.Tools;

/// <summary>The "Nines.Tools" activity source: one activity per guarded call, with the decision and taint as tags and events.</summary>
internal static class ToolsTelemetry
{
    public static readonly ActivitySource ActivitySource = new(ToolsConstants.ActivitySourceName);

    public static Activity? StartCall(ToolSession session, string toolName, string? callId)
    {
        var activity = ActivitySource.StartActivity("tools.call");
        activity?.SetTag("nines.tools.session", session.Id);
        activity?.SetTag("nines.tools.tool", toolName);
        activity?.SetTag("nines.tools.call_id", callId);
        activity?.SetTag("nines.tools.taint.before", session.Capabilities.ToString());
        return activity;
    }

    public static void RecordDecision(Activity? activity, ToolAuditRecord record)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("nines.tools.decision", record.Decision.ToString());
        activity.SetTag("nines.tools.reason", record.Reason);
        activity.SetTag("nines.tools.taint", record.SessionCapabilities.ToString());
        activity.AddEvent(new ActivityEvent(
            "tools." + record.Decision.ToString().ToLowerInvariant(),
            record.Timestamp,
            new ActivityTagsCollection
            {
                ["nines.tools.reason"] = record.Reason,
                ["nines.tools.taint"] = record.SessionCapabilities.ToString(),
            }));
    }
}
