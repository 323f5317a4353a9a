namespace Nines.Tools;

internal static class ToolsConstants
{
    public const string ActivitySourceName = "Nines.Tools";
}
