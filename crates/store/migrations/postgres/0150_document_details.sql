-- The documents register as Decree 42/2022 asks a portal to publish it: who signed, the day a
-- document takes effect, its field (lĩnh vực), and where its text is (a PDF of a portal's
-- library, /media/….pdf, or a web address).
ALTER TABLE documents ADD COLUMN signer TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN effective_on TEXT;
ALTER TABLE documents ADD COLUMN field TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN file TEXT NOT NULL DEFAULT '';
