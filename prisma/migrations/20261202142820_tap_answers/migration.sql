-- AlterTable
ALTER TABLE "LocalMessage" ADD COLUMN     "visibleTo" TEXT;

-- AlterTable
ALTER TABLE "OutboxNotice" ADD COLUMN     "answersTap" TEXT;
