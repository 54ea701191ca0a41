/**
 * Retention: which backups to keep and which to remove, and why.
 *
 * <p>A pure function ({@link dev.archivist.retention.RetentionPlanner#plan}) from the catalog's backups, a
 * {@link dev.archivist.retention.RetentionPolicy} and the current time to a
 * {@link dev.archivist.retention.RetentionPlan}. Nothing here touches files: the caller deletes what the plan removes.
 *
 * <p>How a backup is judged depends on its role:
 * <ul>
 *   <li><b>standalone</b> (every full backup, and database/storage backups that are neither pre-restore copies nor
 *       components of a full): per type, the newest {@code MAX_BACKUPS}, or the GFS rules (restic's
 *       {@code forget --keep-*}) when any keep-* option is set; plus the newest clean-verified one of the type;</li>
 *   <li><b>component</b> (a database/storage backup listed in a full backup's component ids): judged only through its
 *       fulls, kept while any full referencing it is kept, removed with them otherwise; components never consume the
 *       standalone quota of their type;</li>
 *   <li><b>pre-restore</b> (database copies taken before a restore): the newest is kept, older ones are removed.</li>
 * </ul>
 * A backup is kept when any rule keeps it, and a type never loses its last backup.
 */
package dev.archivist.retention;
