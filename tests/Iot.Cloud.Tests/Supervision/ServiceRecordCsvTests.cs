using System.Text;
using Iot.Cloud.Supervision;
using Iot.Cloud.Tests.Support;

namespace Iot.Cloud.Tests.Supervision;

/// <summary>
/// Issue 22: the service-record CSV is for a residents' committee opening it in Excel or WPS: UTF-8 with a BOM, one
/// header row in the page's language, percentages, times in the unit the header names, the ratings of the repairs,
/// and the same columns in every language so a program reads it too.
/// </summary>
[Collection(SharedServiceRecord.Name)]
public sealed class ServiceRecordCsvTests(ServiceRecordCloud fixture)
{
    private static readonly string[] ChineseHeaders =
    [
        "编号", "责任单位", "工单数", "已响应工单数", "已修复工单数", "响应时间中位数（分钟）", "90%工单响应时间不超过（分钟）",
        "修复时间中位数（小时）", "90%工单修复时间不超过（小时）", "超时工单数", "超时比例", "返修工单数", "返修率", "评价数", "平均评分（满分5分）",
        "传感器确认修复", "社区确认修复", "报修居民确认修复", "维护时段（小时）", "应巡查次数", "漏巡次数",
    ];

    private static readonly string[] EnglishHeaders =
    [
        "ID", "Responsible party", "Orders raised", "Orders acknowledged", "Orders fixed", "Median time to acknowledge (minutes)", "90% acknowledged within (minutes)",
        "Median time to fix (hours)", "90% fixed within (hours)", "Overdue orders", "Overdue share", "Reopened orders", "Reopen rate", "Ratings", "Average rating (out of 5)",
        "Confirmed by telemetry", "Confirmed by the community", "Confirmed by the reporting resident", "Maintenance windows (hours)", "Patrol rounds due", "Patrol rounds missed",
    ];

    [Fact]
    public async Task The_committee_gets_chinese_headers_a_bom_percentages_stated_units_and_the_ratings()
    {
        using var committee = await fixture.SignedInAsync("yikang-zhang", english: false);
        var bytes = await committee.GetByteArrayAsync(new Uri(ServiceRecordCloud.CsvUrl("party"), UriKind.Relative));

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = Parse(bytes);
        Assert.Equal(ChineseHeaders, rows[0]);

        // 5 raised, 4 acknowledged, 3 fixed; 10 and 45 minutes to acknowledge; 2.5 and 5.5 hours to fix; 3 overdue (60%);
        // 1 reopened (20%); 3 ratings averaging 4.0; one repair confirmed each by the sensors, the community and the
        // reporting resident; 6 hours of maintenance window (see ServiceRecordCloud for the hand count); no patrol plan, so
        // no round was due or missed (PatrolApiTests counts those).
        var xinyu = rows.Single(r => r[0] == "xinyu-property");
        Assert.Equal(["xinyu-property", "昆明馨宇物业服务有限公司", "5", "4", "3", "10", "45", "2.5", "5.5", "3", "60%", "1", "20%", "3", "4.0", "1", "1", "1", "6", "0", "0"], xinyu);
    }

    [Fact]
    public async Task The_same_columns_come_in_english_when_the_page_is_in_english()
    {
        using var committee = await fixture.SignedInAsync("yikang-zhang", english: true);
        var rows = Parse(await committee.GetByteArrayAsync(new Uri(ServiceRecordCloud.CsvUrl("party"), UriKind.Relative)));

        Assert.Equal(EnglishHeaders, rows[0]);
        Assert.Equal(["xinyu-property", "昆明馨宇物业服务有限公司", "5", "4", "3", "10", "45", "2.5", "5.5", "3", "60%", "1", "20%", "3", "4.0", "1", "1", "1", "6", "0", "0"], rows.Single(r => r[0] == "xinyu-property"));

        // Grouped by device kind, the kind is named in the reader's language too.
        var byKind = Parse(await committee.GetByteArrayAsync(new Uri(ServiceRecordCloud.CsvUrl("kind"), UriKind.Relative)));
        Assert.Equal("Device kind", byKind[0][1]);
        Assert.Equal(["gate", "Gate", "6"], byKind[1][..3]);
    }

    [Fact]
    public async Task A_figure_with_nothing_to_measure_is_an_empty_cell_never_a_zero_and_every_row_has_every_column()
    {
        using var committee = await fixture.SignedInAsync("yikang-zhang", english: false);
        var rows = Parse(await committee.GetByteArrayAsync(new Uri(ServiceRecordCloud.CsvUrl("party"), UriKind.Relative)));

        // 昆明电缆厂宿舍管理科's one order was never acknowledged: no times, no rating, but late (100%).
        var cable = rows.Single(r => r[0] == "cable-works");
        Assert.Equal(["cable-works", "昆明电缆厂宿舍管理科", "1", "0", "0", "", "", "", "", "1", "100%", "0", "0%", "0", "", "0", "0", "0", "0", "0", "0"], cable);
        Assert.All(rows, r => Assert.Equal(ChineseHeaders.Length, r.Length));

        // The other parties answering for the community's courtyards had no order: each has its row, with its 0 orders
        // and nothing else to measure.
        var others = rows.Skip(1).Where(r => r[0] is not ("xinyu-property" or "cable-works")).ToList();
        Assert.NotEmpty(others);
        Assert.All(others, r => Assert.Equal([r[0], r[1], "0", "0", "0", "", "", "", "", "0", "", "0", "", "0", "", "0", "0", "0", "0", "0", "0"], r));
    }

    [Fact]
    public async Task The_json_record_carries_the_ratings_as_well()
    {
        var view = await fixture.Cloud.GetAsync<SupervisionView>(ServiceRecordCloud.CsvUrl("party").Replace("/csv", string.Empty, StringComparison.Ordinal));
        var xinyu = view.Rows.Single(r => r.Figures.Key == "xinyu-property").Figures;
        Assert.Equal(3, xinyu.Ratings);
        Assert.Equal(4.0, xinyu.AverageRating);
        Assert.Null(view.Rows.Single(r => r.Figures.Key == "cable-works").Figures.AverageRating);
    }

    // RFC 4180: fields separated by commas, quoted fields with "" for a quote, rows ended by CRLF.
    private static List<string[]> Parse(byte[] bytes)
    {
        var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(bytes.AsSpan(3));
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        var rows = new List<string[]>();
        foreach (var line in text[..^2].Split("\r\n"))
        {
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (c == ',' && !quoted)
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else
                {
                    field.Append(c);
                }
            }

            fields.Add(field.ToString());
            rows.Add([.. fields]);
        }

        return rows;
    }
}
