-- AlterTable
ALTER TABLE "OutboxNotice" ADD COLUMN     "buttons" JSONB NOT NULL DEFAULT '[]';

-- Buttons used to travel inside params: move them to their own column, so that a notice's params are only its data.
UPDATE "OutboxNotice"
SET "buttons" = "params"->'buttons', "params" = "params" - 'buttons'
WHERE jsonb_typeof("params"->'buttons') = 'array';
