namespace Warden.Bench;

/// <summary>Benchmarks (see BENCHMARKS.md). Scenarios arrive with the benchmark issue.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("warden-bench: no scenarios yet");
        return 0;
    }
}
