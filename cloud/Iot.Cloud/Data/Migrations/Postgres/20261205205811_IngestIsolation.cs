using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Iot.Cloud.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IngestIsolation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Closed",
                table: "sequence_states",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_unplaced_readings_ReceivedAt",
                table: "unplaced_readings",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_sequence_states_UpdatedAt",
                table: "sequence_states",
                column: "UpdatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_boot_anchors_UpdatedAt",
                table: "boot_anchors",
                column: "UpdatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_unplaced_readings_ReceivedAt",
                table: "unplaced_readings");

            migrationBuilder.DropIndex(
                name: "IX_sequence_states_UpdatedAt",
                table: "sequence_states");

            migrationBuilder.DropIndex(
                name: "IX_boot_anchors_UpdatedAt",
                table: "boot_anchors");

            migrationBuilder.DropColumn(
                name: "Closed",
                table: "sequence_states");
        }
    }
}
