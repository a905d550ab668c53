/* A video block's player (an iframe from the video site) is kept in a <template> until the reader
   presses "Play the video": it then takes the notice's place, and the focus. */
(function () {
    "use strict";

    document.querySelectorAll("[data-video]").forEach(function (video) {
        var play = video.querySelector("[data-video-play]");
        var embed = video.querySelector("template[data-video-embed]");
        if (!play || !embed) {
            return;
        }
        play.hidden = false;
        play.addEventListener("click", function () {
            var frame = video.querySelector("[data-video-frame]");
            frame.replaceChildren(embed.content.cloneNode(true));
            var player = frame.querySelector("iframe");
            if (player) {
                player.focus();
            }
        });
    });
})();
