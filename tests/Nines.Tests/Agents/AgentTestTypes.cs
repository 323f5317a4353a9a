using System.ComponentModel.DataAnnotations;

namespace Nines.Tests.Agents;

public sealed class WeatherReport
{
    [Required]
    public string City { get; set; } = "";

    [Range(-90, 60)]
    public int Celsius { get; set; }
}
