using System.Security.Cryptography;
using System.Text;

namespace Iot.Edge.Provisioning;

/// <summary>
/// Every broker account and its password, in <c>secrets/accounts.txt</c> (one <c>name password</c> a line): the only
/// place the plain passwords are kept. Provisioning again keeps the passwords it already made, so adding a courtyard
/// never changes the credentials of the Pis already installed.
/// </summary>
public sealed class AccountBook
{
    private const string Header = """
        # Broker accounts made by `iot-edge provision broker`: name, then password. Keep this file secret and backed up;
        # the broker holds only hashes of these passwords (broker/passwd), the cloud and each Pi their own one.
        """;

    private readonly Dictionary<string, string> _passwords = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>Account names in the order they were added.</summary>
    public IReadOnlyList<string> Names => _order;

    /// <summary>Reads the book, or starts an empty one when the file does not exist.</summary>
    public static AccountBook Load(string file)
    {
        var book = new AccountBook();
        if (!File.Exists(file))
        {
            return book;
        }

        foreach (var (line, number) in File.ReadAllLines(file).Select((l, i) => (l.Trim(), i + 1)))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                throw new InvalidDataException($"{file}:{number}: expected 'name password'");
            }

            book.Set(parts[0], parts[1]);
        }

        return book;
    }

    /// <summary>The password of <paramref name="name"/>; throws when the account does not exist.</summary>
    public string PasswordOf(string name) =>
        _passwords.TryGetValue(name, out var password)
            ? password
            : throw new KeyNotFoundException($"no broker account '{name}'; run `iot-edge provision broker` for its site first");

    /// <summary>Whether the account exists.</summary>
    public bool Has(string name) => _passwords.ContainsKey(name);

    /// <summary>
    /// Makes the book hold exactly <paramref name="names"/>: known accounts keep their password, new ones get a random
    /// one, accounts not named any more are removed. Returns what was added and removed.
    /// </summary>
    public (IReadOnlyList<string> Added, IReadOnlyList<string> Removed) Reconcile(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        var removed = _order.Where(n => !wanted.Contains(n)).ToList();
        foreach (var name in removed)
        {
            _passwords.Remove(name);
            _order.Remove(name);
        }

        var added = names.Where(n => !_passwords.ContainsKey(n)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in added)
        {
            Set(name, NewPassword());
        }

        // Keep the file in the order of the site, so a diff of two runs reads naturally.
        _order.Sort((a, b) => IndexIn(names, a).CompareTo(IndexIn(names, b)));
        return (added, removed);
    }

    /// <summary>The book as its file's text.</summary>
    public string ToText()
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var name in _order)
        {
            text.Append(name).Append(' ').Append(_passwords[name]).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>24 characters from 18 random bytes (144 bits), URL-safe base64: no quoting needed in env files.</summary>
    public static string NewPassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    private static int IndexIn(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private void Set(string name, string password)
    {
        if (_passwords.TryAdd(name, password))
        {
            _order.Add(name);
        }
        else
        {
            _passwords[name] = password;
        }
    }
}
