-- Images this server issued. The bytes live in media storage under `<id>.<ext>`; a row here is
-- what makes a `/media/<id>.<ext>` URL ours. uploader_id is identity's user id (no foreign key
-- across modules); it is null for images the server made itself (the demo seed).
CREATE TABLE media (
  id text PRIMARY KEY,
  ext text NOT NULL,
  content_type text NOT NULL,
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  bytes integer NOT NULL CHECK (bytes > 0 AND bytes <= 5242880),
  uploader_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT media_ext_matches_content_type CHECK (
    (ext = 'png' AND content_type = 'image/png')
    OR (ext = 'jpg' AND content_type = 'image/jpeg')
    OR (ext = 'webp' AND content_type = 'image/webp')
  )
);
