using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Iot.Cloud.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PatrolsAndVolunteers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BlockId",
                table: "accounts",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DisabledAt",
                table: "accounts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DisabledBy",
                table: "accounts",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TeamId",
                table: "accounts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "patrol_plans",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BlockId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CommunityId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Frequency = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Courtyards = table.Column<string>(type: "TEXT", nullable: false),
                    Items = table.Column<string>(type: "TEXT", nullable: false),
                    Since = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patrol_plans", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "patrol_rounds",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CourtyardId = table.Column<string>(type: "TEXT", nullable: false),
                    BlockId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CommunityId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PartyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ByRole = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    TeamId = table.Column<long>(type: "INTEGER", nullable: true),
                    WalkedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Failed = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patrol_rounds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "volunteer_teams",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CommunityId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_volunteer_teams", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "patrol_checks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RoundId = table.Column<long>(type: "INTEGER", nullable: false),
                    Item = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Ok = table.Column<bool>(type: "INTEGER", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    WorkOrderId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patrol_checks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_patrol_checks_patrol_rounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "patrol_rounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_accounts_CommunityId",
                table: "accounts",
                column: "CommunityId");

            migrationBuilder.CreateIndex(
                name: "IX_patrol_checks_RoundId",
                table: "patrol_checks",
                column: "RoundId");

            migrationBuilder.CreateIndex(
                name: "IX_patrol_checks_WorkOrderId",
                table: "patrol_checks",
                column: "WorkOrderId");

            migrationBuilder.CreateIndex(
                name: "IX_patrol_plans_BlockId",
                table: "patrol_plans",
                column: "BlockId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_patrol_rounds_CommunityId_WalkedAt",
                table: "patrol_rounds",
                columns: new[] { "CommunityId", "WalkedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_patrol_rounds_CourtyardId_WalkedAt",
                table: "patrol_rounds",
                columns: new[] { "CourtyardId", "WalkedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_patrol_rounds_Key",
                table: "patrol_rounds",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_volunteer_teams_CommunityId_Name",
                table: "volunteer_teams",
                columns: new[] { "CommunityId", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "patrol_checks");

            migrationBuilder.DropTable(
                name: "patrol_plans");

            migrationBuilder.DropTable(
                name: "volunteer_teams");

            migrationBuilder.DropTable(
                name: "patrol_rounds");

            migrationBuilder.DropIndex(
                name: "IX_accounts_CommunityId",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "BlockId",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "DisabledAt",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "DisabledBy",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "TeamId",
                table: "accounts");
        }
    }
}
