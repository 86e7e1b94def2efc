// Where the window reads an attachment kept in the vault: the app's own
// `media` protocol (src-tauri/src/media_protocol.rs), which answers only
// images. Nothing remote is loaded.
import { convertFileSrc } from "@tauri-apps/api/core";

/** The address of attachment `index` of message `messageId`. */
export function mediaUrl(messageId: number, index: number): string {
  // The protocol's root differs by platform (media://localhost/ or http://media.localhost/).
  return `${convertFileSrc("", "media")}${messageId}/${index}`;
}
