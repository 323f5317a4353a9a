using Nines.Tools;

namespace Nines.Tests.Tools;

public class ToolCapabilityMappingTests
{
    [Theory]
    [InlineData(null, null, null, ToolCapabilities.UntrustedInput | ToolCapabilities.ExternalEffect)]
    [InlineData(true, null, false, ToolCapabilities.None)]
    [InlineData(true, null, true, ToolCapabilities.UntrustedInput)]
    [InlineData(false, false, false, ToolCapabilities.ExternalEffect)]
    [InlineData(false, true, true, ToolCapabilities.UntrustedInput | ToolCapabilities.ExternalEffect)]
    public void FromMcpAnnotations_Hints_MapToCapabilities(bool? readOnly, bool? destructive, bool? openWorld, ToolCapabilities expected)
    {
        Assert.Equal(expected, ToolCapabilityMapping.FromMcpAnnotations(readOnly, destructive, openWorld));
    }
}
