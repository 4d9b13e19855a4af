using Iot.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Rules;

/// <summary>The rules' tables: versioned rule rows and the engine's state per rule and subject.</summary>
public static class RuleTables
{
    extension(CloudDb db)
    {
        /// <summary>Every version of every rule.</summary>
        public DbSet<Rule> Rules => db.Set<Rule>();

        /// <summary>Where each rule stands for each subject (pending since, raised).</summary>
        public DbSet<RuleStateRecord> RuleStates => db.Set<RuleStateRecord>();
    }
}

internal sealed class RuleMapping : IEntityTypeConfiguration<Rule>
{
    public void Configure(EntityTypeBuilder<Rule> e)
    {
        e.ToTable("rules");
        e.Property(r => r.Kind).HasConversion<string>();
        e.Property(r => r.Severity).HasConversion<string>();
        e.HasIndex(r => new { r.Key, r.Scope, r.Version }).IsUnique();
        e.Ignore(r => r.Parameters);
    }
}

internal sealed class RuleStateMapping : IEntityTypeConfiguration<RuleStateRecord>
{
    public void Configure(EntityTypeBuilder<RuleStateRecord> e)
    {
        e.ToTable("rule_states");
        e.HasKey(r => new { r.RuleKey, r.Subject });
    }
}
