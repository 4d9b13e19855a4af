using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Iot.Cloud.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SupervisionModel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BlockId",
                table: "accounts",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DisabledAt",
                table: "accounts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DisabledBy",
                table: "accounts",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TeamId",
                table: "accounts",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "assessment_sheets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PartyId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    Raised = table.Column<int>(type: "integer", nullable: false),
                    Acknowledged = table.Column<int>(type: "integer", nullable: false),
                    Fixed = table.Column<int>(type: "integer", nullable: false),
                    MedianAckMinutes = table.Column<double>(type: "double precision", nullable: true),
                    MedianFixMinutes = table.Column<double>(type: "double precision", nullable: true),
                    Overdue = table.Column<int>(type: "integer", nullable: false),
                    OverdueShare = table.Column<double>(type: "double precision", nullable: false),
                    Reopened = table.Column<int>(type: "integer", nullable: false),
                    ReopenRate = table.Column<double>(type: "double precision", nullable: false),
                    Ratings = table.Column<int>(type: "integer", nullable: false),
                    AverageRating = table.Column<double>(type: "double precision", nullable: true),
                    ResidentReports = table.Column<int>(type: "integer", nullable: false),
                    Complaints = table.Column<int>(type: "integer", nullable: false),
                    RoundsDue = table.Column<int>(type: "integer", nullable: true),
                    RoundsDone = table.Column<int>(type: "integer", nullable: true),
                    RoundsMissed = table.Column<int>(type: "integer", nullable: true),
                    FindingsRaised = table.Column<int>(type: "integer", nullable: true),
                    FindingsFixed = table.Column<int>(type: "integer", nullable: true),
                    RecordScore = table.Column<double>(type: "double precision", nullable: false),
                    CommitteeScore = table.Column<int>(type: "integer", nullable: true),
                    Remarks = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Score = table.Column<double>(type: "double precision", nullable: false),
                    Grade = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SignedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SignedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_assessment_sheets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "grade_thresholds",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Excellent = table.Column<double>(type: "double precision", nullable: false),
                    Satisfactory = table.Column<double>(type: "double precision", nullable: false),
                    NeedsRectification = table.Column<double>(type: "double precision", nullable: false),
                    NoticeDays = table.Column<int>(type: "integer", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_grade_thresholds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "patrol_plans",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    BlockId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CommunityId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Frequency = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Courtyards = table.Column<string>(type: "text", nullable: false),
                    Items = table.Column<string>(type: "text", nullable: false),
                    Since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patrol_plans", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "patrol_rounds",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CourtyardId = table.Column<string>(type: "text", nullable: false),
                    BlockId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CommunityId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PartyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    By = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ByRole = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    TeamId = table.Column<long>(type: "bigint", nullable: true),
                    WalkedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Failed = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patrol_rounds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "volunteer_teams",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CommunityId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_volunteer_teams", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "rectification_notices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PartyId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    SheetId = table.Column<long>(type: "bigint", nullable: false),
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    Reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OpenedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Deadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClosedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CloseNote = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rectification_notices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_rectification_notices_assessment_sheets_SheetId",
                        column: x => x.SheetId,
                        principalTable: "assessment_sheets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "patrol_checks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RoundId = table.Column<long>(type: "bigint", nullable: false),
                    Item = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Ok = table.Column<bool>(type: "boolean", nullable: false),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    WorkOrderId = table.Column<long>(type: "bigint", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "exit_reviews",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PartyId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    NoticeId = table.Column<long>(type: "bigint", nullable: true),
                    Month = table.Column<DateOnly>(type: "date", nullable: true),
                    OpenedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    DecidedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_exit_reviews", x => x.Id);
                    table.ForeignKey(
                        name: "FK_exit_reviews_rectification_notices_NoticeId",
                        column: x => x.NoticeId,
                        principalTable: "rectification_notices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "notice_items",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    NoticeId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    DoneAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DoneBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notice_items", x => x.Id);
                    table.ForeignKey(
                        name: "FK_notice_items_rectification_notices_NoticeId",
                        column: x => x.NoticeId,
                        principalTable: "rectification_notices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_accounts_CommunityId",
                table: "accounts",
                column: "CommunityId");

            migrationBuilder.CreateIndex(
                name: "IX_assessment_sheets_Month",
                table: "assessment_sheets",
                column: "Month");

            migrationBuilder.CreateIndex(
                name: "IX_assessment_sheets_PartyId_Month",
                table: "assessment_sheets",
                columns: new[] { "PartyId", "Month" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_exit_reviews_NoticeId",
                table: "exit_reviews",
                column: "NoticeId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_exit_reviews_PartyId_Month",
                table: "exit_reviews",
                columns: new[] { "PartyId", "Month" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_notice_items_NoticeId",
                table: "notice_items",
                column: "NoticeId");

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
                name: "IX_rectification_notices_PartyId_ClosedAt",
                table: "rectification_notices",
                columns: new[] { "PartyId", "ClosedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_rectification_notices_SheetId",
                table: "rectification_notices",
                column: "SheetId",
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
                name: "exit_reviews");

            migrationBuilder.DropTable(
                name: "grade_thresholds");

            migrationBuilder.DropTable(
                name: "notice_items");

            migrationBuilder.DropTable(
                name: "patrol_checks");

            migrationBuilder.DropTable(
                name: "patrol_plans");

            migrationBuilder.DropTable(
                name: "volunteer_teams");

            migrationBuilder.DropTable(
                name: "rectification_notices");

            migrationBuilder.DropTable(
                name: "patrol_rounds");

            migrationBuilder.DropTable(
                name: "assessment_sheets");

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
