-- The placeholder meeting tables of the first migration were never written by yishi; any rows put there by hand
-- cannot be carried into the new shape (meetings now have numbers, RSVPs are per party).
DELETE FROM "ActionItem"; DELETE FROM "Decision"; DELETE FROM "Rsvp"; DELETE FROM "AgendaItem"; DELETE FROM "Meeting";

-- CreateEnum
CREATE TYPE "AgendaSource" AS ENUM ('escalated', 'overdue', 'reopened', 'proposed', 'carried', 'added');

-- CreateEnum
CREATE TYPE "AgendaOutcome" AS ENUM ('open', 'decided', 'deferred', 'sent_up');

-- CreateEnum
CREATE TYPE "Stance" AS ENUM ('agree', 'object', 'abstain');

-- AlterEnum
BEGIN;
CREATE TYPE "MeetingStatus_new" AS ENUM ('scheduled', 'locked', 'closed');
ALTER TABLE "public"."Meeting" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "Meeting" ALTER COLUMN "status" TYPE "MeetingStatus_new" USING ("status"::text::"MeetingStatus_new");
ALTER TYPE "MeetingStatus" RENAME TO "MeetingStatus_old";
ALTER TYPE "MeetingStatus_new" RENAME TO "MeetingStatus";
DROP TYPE "public"."MeetingStatus_old";
ALTER TABLE "Meeting" ALTER COLUMN "status" SET DEFAULT 'scheduled';
COMMIT;

-- AlterEnum
BEGIN;
CREATE TYPE "RsvpAnswer_new" AS ENUM ('attend', 'delegate', 'absent');
ALTER TABLE "Rsvp" ALTER COLUMN "answer" TYPE "RsvpAnswer_new" USING ("answer"::text::"RsvpAnswer_new");
ALTER TYPE "RsvpAnswer" RENAME TO "RsvpAnswer_old";
ALTER TYPE "RsvpAnswer_new" RENAME TO "RsvpAnswer";
DROP TYPE "public"."RsvpAnswer_old";
COMMIT;

-- DropForeignKey
ALTER TABLE "ActionItem" DROP CONSTRAINT "ActionItem_decisionId_fkey";

-- DropForeignKey
ALTER TABLE "ActionItem" DROP CONSTRAINT "ActionItem_ownerPartyId_fkey";

-- DropForeignKey
ALTER TABLE "AgendaItem" DROP CONSTRAINT "AgendaItem_issueId_fkey";

-- DropForeignKey
ALTER TABLE "Decision" DROP CONSTRAINT "Decision_agendaItemId_fkey";

-- DropForeignKey
ALTER TABLE "Decision" DROP CONSTRAINT "Decision_meetingId_fkey";

-- DropForeignKey
ALTER TABLE "Rsvp" DROP CONSTRAINT "Rsvp_memberId_fkey";

-- DropForeignKey
ALTER TABLE "Rsvp" DROP CONSTRAINT "Rsvp_partyId_fkey";

-- DropIndex
DROP INDEX "AgendaItem_meetingId_position_key";

-- DropIndex
DROP INDEX "Meeting_communityId_startsAt_idx";

-- DropIndex
DROP INDEX "Rsvp_meetingId_memberId_key";

-- AlterTable
ALTER TABLE "AgendaItem" DROP COLUMN "title",
ADD COLUMN     "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "decidedAt" TIMESTAMP(3),
ADD COLUMN     "decision" TEXT,
ADD COLUMN     "dropped" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "note" TEXT,
ADD COLUMN     "outcome" "AgendaOutcome" NOT NULL DEFAULT 'open',
ADD COLUMN     "proposedByPartyId" INTEGER,
ADD COLUMN     "sentUpTo" TEXT,
ADD COLUMN     "source" "AgendaSource" NOT NULL,
ALTER COLUMN "position" DROP NOT NULL,
ALTER COLUMN "issueId" SET NOT NULL;

-- AlterTable
ALTER TABLE "Community" ADD COLUMN     "lastMeetingNumber" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "meetingMonthlyDay" INTEGER,
ADD COLUMN     "meetingMonthlyPlace" TEXT,
ADD COLUMN     "meetingMonthlyTime" TEXT,
ADD COLUMN     "meetingNoticeHours" INTEGER NOT NULL DEFAULT 48,
ADD COLUMN     "meetingQuorum" INTEGER NOT NULL DEFAULT 3;

-- AlterTable
ALTER TABLE "FollowUp" ADD COLUMN     "agendaItemId" INTEGER,
ADD COLUMN     "task" TEXT;

-- AlterTable
ALTER TABLE "Meeting" DROP COLUMN "location",
DROP COLUMN "title",
ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "createdById" INTEGER,
ADD COLUMN     "lockedAt" TIMESTAMP(3),
ADD COLUMN     "noticeSentAt" TIMESTAMP(3),
ADD COLUMN     "number" INTEGER NOT NULL,
ADD COLUMN     "place" TEXT,
ADD COLUMN     "recurring" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Rsvp" DROP COLUMN "memberId",
DROP COLUMN "updatedAt",
ADD COLUMN     "answeredAt" TIMESTAMP(3) NOT NULL,
ADD COLUMN     "answeredById" INTEGER,
ADD COLUMN     "delegate" TEXT,
ADD COLUMN     "reason" TEXT,
ALTER COLUMN "partyId" SET NOT NULL;

-- DropTable
DROP TABLE "ActionItem";

-- DropTable
DROP TABLE "Decision";

-- DropEnum
DROP TYPE "ActionItemStatus";

-- CreateTable
CREATE TABLE "PartyPosition" (
    "id" SERIAL NOT NULL,
    "agendaItemId" INTEGER NOT NULL,
    "partyId" INTEGER NOT NULL,
    "stance" "Stance" NOT NULL,
    "remark" TEXT,
    "recordedById" INTEGER,
    "recordedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PartyPosition_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PartyPosition_agendaItemId_partyId_key" ON "PartyPosition"("agendaItemId", "partyId");

-- CreateIndex
CREATE INDEX "AgendaItem_issueId_idx" ON "AgendaItem"("issueId");

-- CreateIndex
CREATE UNIQUE INDEX "Meeting_communityId_number_key" ON "Meeting"("communityId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "Meeting_communityId_startsAt_key" ON "Meeting"("communityId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Rsvp_meetingId_partyId_key" ON "Rsvp"("meetingId", "partyId");

-- AddForeignKey
ALTER TABLE "FollowUp" ADD CONSTRAINT "FollowUp_agendaItemId_fkey" FOREIGN KEY ("agendaItemId") REFERENCES "AgendaItem"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgendaItem" ADD CONSTRAINT "AgendaItem_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "Issue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgendaItem" ADD CONSTRAINT "AgendaItem_proposedByPartyId_fkey" FOREIGN KEY ("proposedByPartyId") REFERENCES "Party"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rsvp" ADD CONSTRAINT "Rsvp_partyId_fkey" FOREIGN KEY ("partyId") REFERENCES "Party"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rsvp" ADD CONSTRAINT "Rsvp_answeredById_fkey" FOREIGN KEY ("answeredById") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartyPosition" ADD CONSTRAINT "PartyPosition_agendaItemId_fkey" FOREIGN KEY ("agendaItemId") REFERENCES "AgendaItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartyPosition" ADD CONSTRAINT "PartyPosition_partyId_fkey" FOREIGN KEY ("partyId") REFERENCES "Party"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartyPosition" ADD CONSTRAINT "PartyPosition_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;
