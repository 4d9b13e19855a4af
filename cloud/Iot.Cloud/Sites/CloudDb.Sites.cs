using Iot.Cloud.Data;
using Iot.Protocol.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Iot.Cloud.Sites;

/// <summary>The registry's tables: the site as the manifests describe it, and each agent's presence (ingest writes it).</summary>
public static class RegistryTables
{
    extension(CloudDb db)
    {
        /// <summary>Each loaded site, with the hash of its manifests.</summary>
        public DbSet<SiteEntry> Sites => db.Set<SiteEntry>();

        /// <summary>Property companies, owning units and residents' committees.</summary>
        public DbSet<Party> Parties => db.Set<Party>();

        /// <summary>Communities (社区).</summary>
        public DbSet<Community> Communities => db.Set<Community>();

        /// <summary>Blocks of a community (街区).</summary>
        public DbSet<Block> Blocks => db.Set<Block>();

        /// <summary>Courtyards (院坝), each with its responsible party.</summary>
        public DbSet<Courtyard> Courtyards => db.Set<Courtyard>();

        /// <summary>Courtyard agents, with their desired and applied configuration.</summary>
        public DbSet<Agent> Agents => db.Set<Agent>();

        /// <summary>Devices of the agents.</summary>
        public DbSet<Device> Devices => db.Set<Device>();

        /// <summary>Whether each agent is online, since when, as its statuses say.</summary>
        public DbSet<AgentPresence> Presence => db.Set<AgentPresence>();
    }
}

internal sealed class RegistryMapping :
    IEntityTypeConfiguration<SiteEntry>, IEntityTypeConfiguration<Party>, IEntityTypeConfiguration<Community>, IEntityTypeConfiguration<Block>,
    IEntityTypeConfiguration<Courtyard>, IEntityTypeConfiguration<Agent>, IEntityTypeConfiguration<Device>, IEntityTypeConfiguration<AgentPresence>
{
    public void Configure(EntityTypeBuilder<SiteEntry> e) => e.ToTable("sites");

    public void Configure(EntityTypeBuilder<Party> e) => e.ToTable("parties");

    public void Configure(EntityTypeBuilder<Community> e) => e.ToTable("communities");

    public void Configure(EntityTypeBuilder<Block> e)
    {
        e.ToTable("blocks");
        e.HasIndex(b => b.CommunityId);
    }

    public void Configure(EntityTypeBuilder<Courtyard> e)
    {
        e.ToTable("courtyards");
        e.HasIndex(c => c.CommunityId);
        e.HasIndex(c => c.ResponsiblePartyId);
    }

    public void Configure(EntityTypeBuilder<Agent> e)
    {
        e.ToTable("agents");
        e.HasIndex(a => a.CourtyardId);
    }

    public void Configure(EntityTypeBuilder<Device> e)
    {
        e.ToTable("devices");
        e.HasKey(d => new { d.AgentId, d.Id });
    }

    public void Configure(EntityTypeBuilder<AgentPresence> e)
    {
        e.ToTable("agent_presence");
        e.HasKey(p => p.AgentId);
        e.Property(p => p.State).HasConversion(new WireNameConverter<Presence>());
    }
}
