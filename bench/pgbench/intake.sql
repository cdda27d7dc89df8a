-- One intake's writes per transaction, as sigap.intake.services._write issues them on PostgreSQL for one report
-- with a reporter (statement for statement; values of the same size): the vault record, the duplicate finder's
-- candidate query, the day's number counter (an upsert whose row stays locked until COMMIT, as in the
-- application), the report, its first history row, its audit row and the "received" notification.
-- Variables from bench/pgbench/run.py: category, kelurahan, unit (ids of real reference rows), lat0, lon0.
-- (chr(58) is a colon: pgbench would read one followed by a name as a variable.)
\set dlat random(0, 20000)
\set dlon random(0, 20000)
BEGIN;
INSERT INTO privacy_identityrecord (ref, key_id, wrapped_key, nonce, ciphertext, created_at, destroyed_at)
  VALUES ('idr_' || md5(random()::text || clock_timestamp()::text), '487974c2d5ff6255',
          decode(md5(random()::text) || md5(random()::text) || substr(md5(random()::text), 1, 16), 'hex'),
          decode(substr(md5(random()::text), 1, 24), 'hex'), decode(repeat(md5(random()::text), 14), 'hex'),
          now(), NULL) RETURNING id AS identity_id \gset
SELECT id, category_id, description, lat, lon, status, created_at FROM reports_report
  WHERE category_id = (:category)::bigint AND created_at BETWEEN now() - interval '14 days' AND now()
    AND lat BETWEEN (:lat0)::float8 + (:dlat)::int * 0.000001 - 0.0009 AND (:lat0)::float8 + (:dlat)::int * 0.000001 + 0.0009
    AND lon BETWEEN (:lon0)::float8 + (:dlon)::int * 0.000001 - 0.0009 AND (:lon0)::float8 + (:dlon)::int * 0.000001 + 0.0009
    AND NOT (status = 'merged');
INSERT INTO reports_numbersequence (day, last) VALUES (current_date, 1)
  ON CONFLICT (day) DO UPDATE SET last = reports_numbersequence.last + excluded.last RETURNING last \gset
INSERT INTO reports_report (number, tracking_hash, category_id, description, lat, lon, address, kelurahan_id,
    locate_method, unit_id, status, status_changed_at, resume_status, channel, privacy, reporter_ref, secret_hash,
    concerned_unit_id, created_at, updated_at, hop_deadline, due_at, closed_at, public_note, rating, rating_comment,
    rated_at, merged_into_id, triage_reason, category_source, category_confidence, is_demo)
  VALUES ('JK' || to_char(current_date, 'YYYYMMDD') || lpad((:last)::int::text, 4, '0'),
          md5(random()::text || clock_timestamp()::text) || md5(random()::text),
          (:category)::bigint, 'Got mampet di depan gang, air meluap ke jalan saat hujan dan baunya menyengat sampai rumah.',
          (:lat0)::float8 + (:dlat)::int * 0.000001, (:lon0)::float8 + (:dlon)::int * 0.000001, 'RT 05/RW 03, dekat musala', (:kelurahan)::bigint, 'inside',
          (:unit)::bigint, 'waiting', now(), '', 'web', 'private', 'idr_' || md5(random()::text), '', NULL, now(), now(),
          now() + interval '6 hours', now() + interval '3 days', NULL, '', NULL, '', NULL, NULL, '', 'reporter',
          NULL, false) RETURNING id AS report_id \gset
INSERT INTO reports_statuschange (report_id, old_status, new_status, unit_id, actor_id, actor_kind, public_note,
    internal_note, created_at)
  VALUES ((:report_id)::bigint, '', 'waiting', (:unit)::bigint, NULL, 'reporter', '', '', now()) RETURNING id AS change_id \gset
INSERT INTO core_auditevent (created_at, actor_id, actor_kind, action, report_id, detail)
  VALUES (now(), NULL, 'reporter', 'report' || chr(58) || 'create', (:report_id)::bigint,
          jsonb_build_object('channel', 'web', 'unit', 'kel' || chr(58) || '31.75.07.1002', 'kelurahan', '31.75.07.1002',
                             'locate', 'inside', 'triage', ''))
  RETURNING id;
INSERT INTO reports_notification (report_id, recipient_ref, reply_context, status_change_id, kind, body, body_en,
    state, attempts, last_error, created_at, claimed_at, sent_at, remote_id)
  VALUES ((:report_id)::bigint, '', '', (:change_id)::bigint, 'received',
          'Laporan Anda diterima dengan nomor JK202612030001 dan diteruskan ke Kelurahan Pondok Bambu. Ikuti perkembangannya dengan kode lacak Anda.',
          'Your report was received as JK202612030001 and passed to Kelurahan Pondok Bambu. Follow it with your tracking code.',
          'pending', 0, '', now(), NULL, NULL, '') RETURNING id;
END;
