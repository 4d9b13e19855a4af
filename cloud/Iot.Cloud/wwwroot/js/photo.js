// Photos made small on the phone before they are sent (a 6 MB camera photo becomes a few hundred KB): for the
// resident's report and the patrol round. The server reduces again whatever the phone could not.
"use strict";

window.IotPhoto = (function () {
  const LONGEST_SIDE = 1600;
  const QUALITY = 0.8;

  async function reduce(file) {
    const original = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, LONGEST_SIDE / Math.max(original.width, original.height));
    const width = Math.max(1, Math.round(original.width * scale));
    const height = Math.max(1, Math.round(original.height * scale));
    const small = await createImageBitmap(original, { resizeWidth: width, resizeHeight: height, resizeQuality: "high" });
    original.close();
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, width, height);
    context.drawImage(small, 0, 0);
    small.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
    if (!blob) {
      throw new Error("the browser could not encode the photo");
    }
    return new File([blob], "photo.jpg", { type: "image/jpeg" });
  }

  function size(bytes) {
    return bytes >= 1024 * 1024 ? (bytes / 1024 / 1024).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  return { reduce, size };
})();
