namespace Warden.Tests.Infrastructure;

/// <summary>
/// Counts that CI logs must show even when the test passes (requests tried, server errors, ...). The test platform
/// captures the console and shows a test's output only when it fails, so each line also goes to
/// <see cref="FilePath"/>, which <c>test.sh</c> prints after the run. The file is started afresh by each test process.
/// </summary>
public static class TestReport
{
    private static readonly Lock Gate = new();
    private static bool _started;

    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "test-counts.txt");

    public static void Line(string line)
    {
        lock (Gate)
        {
            if (!_started)
            {
                File.WriteAllText(FilePath, "");
                _started = true;
            }
            File.AppendAllLines(FilePath, [line]);
        }
    }
}
