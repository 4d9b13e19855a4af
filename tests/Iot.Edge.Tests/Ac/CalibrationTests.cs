using Iot.Edge.Calibration;
using Iot.Edge.Sensors.Ac;
using Iot.Edge.Simulation;
using Iot.Edge.Tests.Support;
using Iot.Protocol.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.Protocol.Validation;
using Iot.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Ac;

/// <summary>
/// <c>iot-edge calibrate</c>: a CT 5 % off its rating is found against a known load, the result is written to the
/// agent's data folder, survives a restart and is applied to the readings; a bad reference load writes nothing.
/// </summary>
public sealed class CalibrationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iot-calibration-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_calibration_book_is_persisted_and_read_back()
    {
        var book = CtCalibrationBook.Load(_folder);
        var at = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        book.Set(1, 0x49, 2, new CtCalibration(0.002, 1.043, at, "factor 1.043 against a 1.8 A load"));

        var again = CtCalibrationBook.Load(_folder);

        Assert.Equal(new CtCalibration(0.002, 1.043, at, "factor 1.043 against a 1.8 A load"), again.Get(1, 0x49, 2));
        Assert.Equal(CtCalibration.None, again.Get(1, 0x49, 1));
        Assert.Contains("\"1/0x49/2\"", File.ReadAllText(Path.Combine(_folder, CtCalibrationBook.FileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_transformer_off_its_rating_is_calibrated_against_a_known_load_and_the_agent_applies_it_after_a_restart()
    {
        var agentFolder = Path.Combine(_folder, "test-ac-a");
        Directory.CreateDirectory(agentFolder);

        // Before: outlet 2's transformer reads 5 % high.
        using (var before = new AgentHarness(AcCourtyard.Only("charger-01"), folder: agentFolder, beforeStart: m => m.Charger("charger-01").Outlet(2).Transformer!.GainError = 1.05))
        {
            before.Model.Charger("charger-01").Outlet(2).LoadA = 1.8;
            before.Run(TimeSpan.FromSeconds(10));
            Assert.InRange(before.Last("charger-01.o2-current"), 1.8 * 1.04, 1.8 * 1.06);
        }

        // The installer stops the agent, measures the zero with the relays open, then outlet 2 with a 1.8 A load.
        var manifest = AcCourtyard.Only("charger-01");
        var model = new CourtyardModel(manifest, new Weather(25.03, 102.68, 1), new ScenarioOptions { Scripted = true });
        model.Charger("charger-01").Outlet(2).Transformer!.GainError = 1.05;
        var clock = new FakeTimeProvider(AgentHarness.Evening);
        model.Board.Calibration = CtCalibrationBook.Load(agentFolder);
        var calibrator = new CtCalibrator(model.Board, manifest, () => { clock.Advance(TimeSpan.FromSeconds(2)); model.Advance(clock.GetUtcNow()); }, clock);
        Assert.Equal(4, calibrator.MeasureZero().Count);
        model.Charger("charger-01").Outlet(2).LoadA = 1.8;
        var calibration = calibrator.MeasureFactor(calibrator.Transformers.Single(t => t.Part.Outlet == 2), 1.8);
        model.Board.Dispose();

        Assert.InRange(calibration.Factor, 1 / 1.05 * 0.995, 1 / 1.05 * 1.005);
        Assert.InRange(calibration.ZeroA, 0.0001, 0.005);
        Assert.Equal(clock.GetUtcNow(), calibration.At);
        Assert.False(model.Charger("charger-01").RelayOn(2));   // the calibrator opened the relay again

        // After a restart the agent loads the file (logging its check) and reads true.
        using var after = new AgentHarness(manifest, folder: agentFolder, beforeStart: m =>
        {
            m.Charger("charger-01").Outlet(2).Transformer!.GainError = 1.05;
            m.Board.Calibration = CalibrationCheck.Load(agentFolder, manifest, NullLogger.Instance);
        });
        after.Model.Charger("charger-01").Outlet(2).LoadA = 1.8;
        after.Run(TimeSpan.FromSeconds(10));
        Assert.InRange(after.Last("charger-01.o2-current"), 1.8 * 0.99, 1.8 * 1.01);

        // And the cloud is told what the agent runs with: its status carries each calibrated input, as the protocol reads it.
        var status = after.Runtime.Status(1, Presence.Online);
        var read = MessageReader.ReadUplink(AgentTopic.Parse(after.Identity.Topic(Channel.Status)), ProtocolJson.Serialize(status), after.Time.GetUtcNow());
        Assert.True(read.IsValid, read.Summary);
        var reported = ((AgentStatus)read.Message!).Health!.CtCalibrations!;
        Assert.Equal(4, reported.Count);   // the four inputs whose zero was measured, outlet 2 with its factor too
        Assert.Contains(reported, c => c.Factor == calibration.Factor && c.ZeroA == calibration.ZeroA && c.At == calibration.At);
    }

    [Fact]
    public void A_reference_load_that_gives_an_unbelievable_factor_is_refused_and_nothing_is_written()
    {
        var manifest = AcCourtyard.Only("charger-01");
        var model = new CourtyardModel(manifest, new Weather(25.03, 102.68, 1), new ScenarioOptions { Scripted = true });
        model.Board.Calibration = CtCalibrationBook.Load(_folder);
        var calibrator = new CtCalibrator(model.Board, manifest, () => model.Advance(AgentHarness.Evening.AddSeconds(2)), TimeProvider.System);
        model.Charger("charger-01").Outlet(1).LoadA = 1.8;

        var e = Assert.Throws<InvalidOperationException>(() => calibrator.MeasureFactor(calibrator.Transformers[0], 0.45));   // the person gave the wrong load
        model.Board.Dispose();

        Assert.StartsWith("charger-01 outlet 1 (ADS1115 0x49 AIN0) read 1.8", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("nothing was written", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, CtCalibrationBook.FileName)));
    }

    [Fact]
    public void An_implausible_calibration_is_ignored_at_start_and_the_file_is_left_as_it_was()
    {
        var at = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        CtCalibrationBook.Load(_folder).Set(1, 0x49, 0, new CtCalibration(0.001, 2.0, at));
        var before = File.ReadAllText(Path.Combine(_folder, CtCalibrationBook.FileName));

        var book = CalibrationCheck.Load(_folder, AcCourtyard.Only("charger-01"), NullLogger.Instance);

        Assert.Equal(CtCalibration.None, book.Get(1, 0x49, 0));
        Assert.Equal(before, File.ReadAllText(Path.Combine(_folder, CtCalibrationBook.FileName)));
    }

    [Fact]
    public void A_calibration_file_that_is_not_one_is_ignored_and_the_ratings_are_used()
    {
        File.WriteAllText(Path.Combine(_folder, CtCalibrationBook.FileName), "{ not json");
        var book = CalibrationCheck.Load(_folder, AcCourtyard.Only("charger-01"), NullLogger.Instance);
        Assert.Empty(book.Entries);
    }

    [Fact]
    public void The_calibrate_verb_writes_the_agents_file_over_simulated_hardware()
    {
        var output = new StringWriter();
        Assert.Equal(0, CalibrateCommand.Run([RepoPaths.SampleSite, "--agent", "yikang-1-a", "--simulate", "--data", _folder, "--zero"], output));
        Assert.Equal(0, CalibrateCommand.Run([RepoPaths.SampleSite, "--agent", "yikang-1-a", "--simulate", "--data", _folder, "--device", "charger-01", "--outlet", "3", "--known-amps", "1.5"], output));

        var text = output.ToString();
        Assert.Contains("charger-01 outlet 1 (ADS1115 0x49 AIN0): zero 0.00", text, StringComparison.Ordinal);
        Assert.Contains("charger-01 outlet 3 (ADS1115 0x49 AIN2): factor ", text, StringComparison.Ordinal);
        var book = CtCalibrationBook.Load(Path.Combine(_folder, "yikang-1-a"));
        Assert.Equal(9, book.Entries.Count);   // 6 outlets, 3 mains lamps
        Assert.InRange(book.Get(1, 0x49, 2).Factor, 0.99, 1.01);
        Assert.Equal(2, CalibrateCommand.Run([RepoPaths.SampleSite, "--agent", "yikang-1-a", "--zero", "--known-amps", "1"], new StringWriter()));
    }
}
