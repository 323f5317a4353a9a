using Microsoft.Extensions.AI;
using Nines.Tools;

namespace Nines.Tests.Tools;

public class ToolApprovalInteropTests
{
    [Fact]
    public async Task FunctionInvokingChatClient_ApprovalRequiredWrapperAroundProtectedTool_SurfacesApprovalRequestToHost()
    {
        var options = new ToolPolicyOptions();
        options.Tools["pay"] = new ToolPolicy { Capabilities = ToolCapabilities.ExternalEffect };
        var session = new ToolGuard(options).StartSession();
        var calls = 0;
        var pay = new ApprovalRequiredAIFunction(session.Protect(AIFunctionFactory.Create(
            (decimal amount) =>
            {
                calls++;
                return "paid";
            },
            "pay")));
        var model = new ScriptedChatClient
        {
            OnGetResponse = (_, _, _) => new ChatResponse(new ChatMessage(
                ChatRole.Assistant, [new FunctionCallContent("call-1", "pay", new Dictionary<string, object?> { ["amount"] = 10m })])),
        };
        using var client = new FunctionInvokingChatClient(model);

        var response = await client.GetResponseAsync("pay", new ChatOptions { Tools = [pay] });

        var request = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>());
        Assert.Equal("call-1", Assert.IsType<FunctionCallContent>(request.ToolCall).CallId);
        Assert.Equal(0, calls);
    }
}
