using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Iot.Cloud.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "agent_presence",
                columns: table => new
                {
                    AgentId = table.Column<string>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", nullable: false),
                    Since = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeen = table.Column<long>(type: "INTEGER", nullable: false),
                    BootId = table.Column<string>(type: "TEXT", nullable: false),
                    StatusSeq = table.Column<long>(type: "INTEGER", nullable: false),
                    AgentVersion = table.Column<string>(type: "TEXT", nullable: true),
                    ClockSynced = table.Column<bool>(type: "INTEGER", nullable: false),
                    HealthJson = table.Column<string>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_presence", x => x.AgentId);
                });

            migrationBuilder.CreateTable(
                name: "agents",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    CourtyardId = table.Column<string>(type: "TEXT", nullable: false),
                    ManifestJson = table.Column<string>(type: "TEXT", nullable: false),
                    DesiredHash = table.Column<string>(type: "TEXT", nullable: false),
                    PublishedHash = table.Column<string>(type: "TEXT", nullable: true),
                    AppliedHash = table.Column<string>(type: "TEXT", nullable: true),
                    RejectedHash = table.Column<string>(type: "TEXT", nullable: true),
                    RejectedReasons = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "blocks",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    CommunityId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    PropertyCompanyId = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_blocks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "boot_anchors",
                columns: table => new
                {
                    AgentId = table.Column<string>(type: "TEXT", nullable: false),
                    BootId = table.Column<string>(type: "TEXT", nullable: false),
                    BootStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Exact = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_boot_anchors", x => new { x.AgentId, x.BootId });
                });

            migrationBuilder.CreateTable(
                name: "command_results",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AgentId = table.Column<string>(type: "TEXT", nullable: false),
                    CommandId = table.Column<string>(type: "TEXT", nullable: false),
                    Ok = table.Column<bool>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_command_results", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "communities",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    ResidentsCommitteeId = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_communities", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "courtyards",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    CommunityId = table.Column<string>(type: "TEXT", nullable: false),
                    BlockId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    ResponsiblePartyId = table.Column<string>(type: "TEXT", nullable: false),
                    Households = table.Column<int>(type: "INTEGER", nullable: true),
                    PlanJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_courtyards", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "dead_letters",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Topic = table.Column<string>(type: "TEXT", nullable: false),
                    AgentId = table.Column<string>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    Payload = table.Column<byte[]>(type: "BLOB", nullable: false),
                    PayloadBytes = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_dead_letters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "device_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AgentId = table.Column<string>(type: "TEXT", nullable: false),
                    BootId = table.Column<string>(type: "TEXT", nullable: false),
                    Seq = table.Column<long>(type: "INTEGER", nullable: false),
                    CourtyardId = table.Column<string>(type: "TEXT", nullable: false),
                    DeviceId = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    TimeEstimated = table.Column<bool>(type: "INTEGER", nullable: false),
                    Outlet = table.Column<int>(type: "INTEGER", nullable: true),
                    Value = table.Column<double>(type: "REAL", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: true),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_device_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "devices",
                columns: table => new
                {
                    AgentId = table.Column<string>(type: "TEXT", nullable: false),
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    X = table.Column<double>(type: "REAL", nullable: true),
                    Y = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_devices", x => new { x.AgentId, x.Id });
                });

            migrationBuilder.CreateTable(
                name: "parties",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Phone = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parties", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sequence_states",
                columns: table => new
                {
                    AgentId = table.Column<string>(type: "TEXT", nullable: false),
                    BootId = table.Column<string>(type: "TEXT", nullable: false),
                    Contiguous = table.Column<long>(type: "INTEGER", nullable: false),
                    MaxSeen = table.Column<long>(type: "INTEGER", nullable: false),
                    SeenAbove = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Lost = table.Column<long>(type: "INTEGER", nullable: false),
                    Duplicates = table.Column<long>(type: "INTEGER", nullable: false),
                    Accepted = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstSeen = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sequence_states", x => new { x.AgentId, x.BootId });
                });

            migrationBuilder.CreateTable(
                name: "sites",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", nullable: false),
                    Latitude = table.Column<double>(type: "REAL", nullable: false),
                    Longitude = table.Column<double>(type: "REAL", nullable: false),
                    ManifestHash = table.Column<string>(type: "TEXT", nullable: false),
                    SyncedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sites", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "unplaced_readings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AgentId = table.Column<string>(type: "TEXT", nullable: false),
                    BootId = table.Column<string>(type: "TEXT", nullable: false),
                    CourtyardId = table.Column<string>(type: "TEXT", nullable: false),
                    SensorId = table.Column<string>(type: "TEXT", nullable: false),
                    Quantity = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<double>(type: "REAL", nullable: false),
                    BootMs = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_unplaced_readings", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_agents_CourtyardId",
                table: "agents",
                column: "CourtyardId");

            migrationBuilder.CreateIndex(
                name: "IX_blocks_CommunityId",
                table: "blocks",
                column: "CommunityId");

            migrationBuilder.CreateIndex(
                name: "IX_command_results_CommandId",
                table: "command_results",
                column: "CommandId");

            migrationBuilder.CreateIndex(
                name: "IX_courtyards_CommunityId",
                table: "courtyards",
                column: "CommunityId");

            migrationBuilder.CreateIndex(
                name: "IX_courtyards_ResponsiblePartyId",
                table: "courtyards",
                column: "ResponsiblePartyId");

            migrationBuilder.CreateIndex(
                name: "IX_dead_letters_AgentId",
                table: "dead_letters",
                column: "AgentId");

            migrationBuilder.CreateIndex(
                name: "IX_dead_letters_ReceivedAt",
                table: "dead_letters",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_device_events_AgentId_BootId_Seq",
                table: "device_events",
                columns: new[] { "AgentId", "BootId", "Seq" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_device_events_CourtyardId_At",
                table: "device_events",
                columns: new[] { "CourtyardId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_unplaced_readings_AgentId_BootId",
                table: "unplaced_readings",
                columns: new[] { "AgentId", "BootId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "agent_presence");

            migrationBuilder.DropTable(
                name: "agents");

            migrationBuilder.DropTable(
                name: "blocks");

            migrationBuilder.DropTable(
                name: "boot_anchors");

            migrationBuilder.DropTable(
                name: "command_results");

            migrationBuilder.DropTable(
                name: "communities");

            migrationBuilder.DropTable(
                name: "courtyards");

            migrationBuilder.DropTable(
                name: "dead_letters");

            migrationBuilder.DropTable(
                name: "device_events");

            migrationBuilder.DropTable(
                name: "devices");

            migrationBuilder.DropTable(
                name: "parties");

            migrationBuilder.DropTable(
                name: "sequence_states");

            migrationBuilder.DropTable(
                name: "sites");

            migrationBuilder.DropTable(
                name: "unplaced_readings");
        }
    }
}
