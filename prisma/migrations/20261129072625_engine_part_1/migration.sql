-- DropForeignKey
ALTER TABLE "Chat" DROP CONSTRAINT "Chat_memberId_fkey";

-- AlterTable
ALTER TABLE "OutboxNotice" ADD COLUMN     "locale" TEXT NOT NULL;

-- CreateTable
CREATE TABLE "IssueDraft" (
    "id" SERIAL NOT NULL,
    "communityId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "chatId" INTEGER NOT NULL,
    "messageId" TEXT,
    "buildingId" INTEGER,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "issueId" INTEGER,

    CONSTRAINT "IssueDraft_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "IssueDraft_issueId_key" ON "IssueDraft"("issueId");

-- AddForeignKey
ALTER TABLE "Chat" ADD CONSTRAINT "Chat_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IssueDraft" ADD CONSTRAINT "IssueDraft_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IssueDraft" ADD CONSTRAINT "IssueDraft_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IssueDraft" ADD CONSTRAINT "IssueDraft_chatId_fkey" FOREIGN KEY ("chatId") REFERENCES "Chat"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IssueDraft" ADD CONSTRAINT "IssueDraft_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "Issue"("id") ON DELETE SET NULL ON UPDATE CASCADE;
