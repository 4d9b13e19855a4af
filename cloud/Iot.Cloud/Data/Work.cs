namespace Iot.Cloud.Data;

/// <summary>
/// One unit of work on the database: what a request, or one evaluation of the rules, changes; the events those
/// changes raise, handled by the stages after it in the same transaction; and what may only happen once it is all
/// committed (the live feed, waking the webhook sender). A stage raises an event and never calls a later stage, so
/// the pipeline runs one way (cloud/README.md, "The pipeline").
/// </summary>
public sealed class Work(CloudDb db, IServiceProvider services)
{
    private readonly List<Action> _afterCommit = [];
    private readonly Dictionary<Type, object> _items = [];

    /// <summary>The context every stage of this unit writes to.</summary>
    public CloudDb Db => db;

    /// <summary>Hands <paramref name="e"/> to every stage that handles it, in the order they were registered.</summary>
    public async Task RaiseAsync<TEvent>(TEvent e, CancellationToken cancellationToken)
        where TEvent : notnull
    {
        foreach (var handler in services.GetServices<IHandles<TEvent>>())
        {
            await handler.HandleAsync(e, this, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="action"/> once the unit is committed, never if it is not.</summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    /// <summary>A stage's own state for this unit (made by <paramref name="create"/> on first use).</summary>
    public T Item<T>(Func<T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        if (!_items.TryGetValue(typeof(T), out var item))
        {
            _items[typeof(T)] = item = create();
        }

        return (T)item;
    }

    /// <summary>Saves everything (one transaction) and then runs what waited for the commit.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        Committed();
    }

    /// <summary>For a caller that committed its own transaction: runs what waited for the commit.</summary>
    public void Committed()
    {
        var actions = _afterCommit.ToList();
        _afterCommit.Clear();
        _items.Clear();
        foreach (var action in actions)
        {
            action();
        }
    }
}

/// <summary>A stage's reaction to an event of an earlier stage, inside the same unit of work.</summary>
/// <typeparam name="TEvent">The event.</typeparam>
public interface IHandles<in TEvent>
{
    /// <summary>Reacts: changes what this stage owns through <paramref name="work"/>, raises its own events.</summary>
    Task HandleAsync(TEvent e, Work work, CancellationToken cancellationToken);
}
