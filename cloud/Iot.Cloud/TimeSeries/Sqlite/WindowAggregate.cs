namespace Iot.Cloud.TimeSeries.Sqlite;

/// <summary>Count, sum, min and max of the readings of one window, folded in memory before one upsert per window.</summary>
internal struct WindowAggregate
{
    public long Count;
    public double Sum;
    public double Min;
    public double Max;

    public void Add(double value)
    {
        if (Count == 0)
        {
            Min = value;
            Max = value;
        }
        else
        {
            Min = Math.Min(Min, value);
            Max = Math.Max(Max, value);
        }

        Count++;
        Sum += value;
    }
}
