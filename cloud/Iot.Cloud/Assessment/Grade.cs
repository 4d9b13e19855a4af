using System.Text.Json.Serialization;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Assessment;

/// <summary>A month's grade, from the score and the street office's thresholds (优秀 / 合格 / 需整改 / 不合格).</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<Grade>))]
public enum Grade
{
    Excellent,
    Satisfactory,
    NeedsRectification,
    Unsatisfactory,
}
