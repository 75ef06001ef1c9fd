-- The #number counters move from Community to a table of their own: numbering an issue, a poll or a meeting no longer
-- rewrites and locks the community's row, which every command's context reads.

-- CreateTable
CREATE TABLE "CommunityCounter" (
    "communityId" INTEGER NOT NULL,
    "lastIssueNumber" INTEGER NOT NULL DEFAULT 0,
    "lastPollNumber" INTEGER NOT NULL DEFAULT 0,
    "lastMeetingNumber" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CommunityCounter_pkey" PRIMARY KEY ("communityId")
);

-- AddForeignKey
ALTER TABLE "CommunityCounter" ADD CONSTRAINT "CommunityCounter_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The numbers given so far carry over (by hand: Prisma's diff would drop them).
INSERT INTO "CommunityCounter" ("communityId", "lastIssueNumber", "lastPollNumber", "lastMeetingNumber")
SELECT "id", "lastIssueNumber", "lastPollNumber", "lastMeetingNumber" FROM "Community"
WHERE "lastIssueNumber" > 0 OR "lastPollNumber" > 0 OR "lastMeetingNumber" > 0;

-- AlterTable
ALTER TABLE "Community" DROP COLUMN "lastIssueNumber",
DROP COLUMN "lastMeetingNumber",
DROP COLUMN "lastPollNumber";
